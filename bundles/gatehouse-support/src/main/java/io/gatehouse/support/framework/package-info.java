/** The framework settings shared by the launcher and the OSGi itests. Private (on the launcher class path; embedded by the itests). */
package io.gatehouse.support.framework;

/** OSGi names for operators. Private (embedded). */
package io.gatehouse.support.osgi;

/** The listening socket held across framework generations. Private (on the launcher class path; embedded by the itests). */
package io.gatehouse.support.socket;

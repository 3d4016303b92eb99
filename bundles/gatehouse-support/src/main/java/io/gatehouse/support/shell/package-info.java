/** The remote shell's wire protocol, both sides. Private (embedded; on the launcher class path). */
package io.gatehouse.support.shell;

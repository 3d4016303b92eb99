/** What may be shown of text that can hold credentials. Private (embedded). */
package io.gatehouse.support.secrets;

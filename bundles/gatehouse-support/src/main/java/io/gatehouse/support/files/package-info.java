/** Settled reads, atomic writes and SHA-256 of files. Private (embedded). */
package io.gatehouse.support.files;

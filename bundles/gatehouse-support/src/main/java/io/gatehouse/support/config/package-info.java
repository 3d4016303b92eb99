/** The config in force as a tree, and its dotted paths. Private (embedded). */
package io.gatehouse.support.config;

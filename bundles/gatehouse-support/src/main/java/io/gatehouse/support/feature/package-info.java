/** The feature-file model the launcher and the plugins bundle share. Private (embedded). */
package io.gatehouse.support.feature;

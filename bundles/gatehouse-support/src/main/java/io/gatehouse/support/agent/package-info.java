/** Agent ids as the gateway's bundles name their folders. Private (embedded). */
package io.gatehouse.support.agent;

/**
 * The example plugin: model provider {@code example-upper}. A private package: a plugin contributes
 * services, it exports nothing.
 */
package io.gatehouse.example.upper;

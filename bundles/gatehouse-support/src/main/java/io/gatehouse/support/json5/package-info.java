/** The JSON5-style dialect every Gatehouse reader of {@code gatehouse.json} and feature files uses. Private (embedded). */
package io.gatehouse.support.json5;

/**
 * Reading and surgically editing {@code etc/gatehouse.json} without disturbing what its author wrote.
 *
 * <p>{@link io.gatehouse.config.edit.Json5Document#parse} builds a concrete syntax tree with exact
 * offsets of every object, array, key, value, colon, comma and comment. It accepts exactly the JSON5
 * dialect the gateway's Jackson configuration reads (checked against it by differential tests), with
 * one deliberate exception: Jackson ignores anything after the root value, the editor refuses it.
 * Errors carry the line and column.
 *
 * <p>{@link io.gatehouse.config.edit.Json5Document#locate} gives the line and column of a value (and
 * of its key) for validation messages such as {@code etc/gatehouse.json:12:7: gateway.port: ...}.
 *
 * <p>{@code set} and {@code unset} return a new text in which everything but the edited value is
 * byte-for-byte the old text. New text follows the file's habits (indentation, line breaks,
 * trailing commas, key and string quotes, one-line versus one-member-per-line objects). The rule for
 * comments on removal is in {@link io.gatehouse.config.edit.Removal}: comments on the removed
 * member's own lines and the comment lines directly above it (no blank line between) go with it;
 * every other comment stays. Each result is parsed again and must read as the old value with exactly
 * the one change, otherwise the edit is refused with an {@link io.gatehouse.config.edit.EditException}.
 *
 * <p>A private package of the config bundle; not exported.
 */
package io.gatehouse.config.edit;

/**
 * The shape of a config section: a small declarative schema that a bundle owning a section hands to the
 * config pipeline through {@link io.gatehouse.api.config.ConfigSection#schema()}. Objects are strict by
 * default: an unknown key is an error with the closest known key as a suggestion.
 */
@Export
@Version("1.0.0")
package io.gatehouse.api.config.schema;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;

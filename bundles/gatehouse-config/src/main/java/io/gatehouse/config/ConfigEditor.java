package io.gatehouse.config;

import java.nio.file.Path;

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;
import io.gatehouse.config.edit.EditException;
import io.gatehouse.config.edit.Json5Document;
import io.gatehouse.config.edit.Json5SyntaxException;

/**
 * Surgical edits of the config text that keep the user's comments, key order and style: only the
 * edited value's text changes (see {@link io.gatehouse.config.edit}). An edit that cannot be made
 * safely is refused with the path and the reason.
 */
final class ConfigEditor {

    String set(Path file, String text, String path, Object value) throws ConfigException {
        try {
            return Json5Document.parse(text).set(path, value);
        } catch (Json5SyntaxException e) {
            throw new ConfigException(new ConfigError(file, e.line(), e.column(), "", e.reason()), e);
        } catch (EditException e) {
            throw new ConfigException(new ConfigError(file, 0, 0, path, e.getMessage()), e);
        }
    }

    String unset(Path file, String text, String path) throws ConfigException {
        try {
            return Json5Document.parse(text).unset(path);
        } catch (Json5SyntaxException e) {
            throw new ConfigException(new ConfigError(file, e.line(), e.column(), "", e.reason()), e);
        } catch (EditException e) {
            throw new ConfigException(new ConfigError(file, 0, 0, path, e.getMessage()), e);
        }
    }
}

package io.gatehouse.canvas;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.api.config.schema.Shape;

/**
 * Owns the {@code canvasHost} section: its shape (strict) and its reload rule. Every change under it is hot:
 * the {@code reload-canvas} action ({@link CanvasHost}) reconfigures the canvas in place (new root, live reload
 * on or off, enabled), with no framework restart.
 */
@Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=" + CanvasSettings.SECTION)
public final class CanvasSection implements ConfigSection {
    static final String RELOAD_CANVAS = "reload-canvas";

    private static final Shape SCHEMA = Shape.object()
            .field("enabled", Shape.bool())
            .field("root", new RootPath())
            .field("liveReload", Shape.bool())
            .field("advertisedUrl", new AdvertisedUrl())
            .field("port", new IgnoredPort());

    @Override
    public String prefix() {
        return CanvasSettings.SECTION;
    }

    @Override
    public Shape schema() {
        return SCHEMA;
    }

    @Override
    public List<ReloadRule> reloadRules() {
        return List.of(ReloadRule.hot(CanvasSettings.SECTION, RELOAD_CANVAS));
    }

    /** An absolute http(s) URL without credentials, query or fragment; its text is never echoed. */
    static final class AdvertisedUrl extends Shape {
        @Override
        public void check(String path, Object value, List<Issue> out) {
            if (!(value instanceof String s) || s.isBlank()) {
                out.add(Issue.error(path, "expected " + describe() + ", got " + Shape.typeOf(value)));
                return;
            }
            URI u;
            try {
                u = new URI(s.trim());
            } catch (URISyntaxException e) {
                out.add(Issue.error(path, "not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")"));
                return;
            }
            if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) {
                out.add(Issue.error(path, "expected an http:// or https:// URL"));
                return;
            }
            if (u.getRawUserInfo() != null) {
                out.add(Issue.error(path, "must not contain credentials (user:password@): the URL is handed to users"));
                return;
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                out.add(Issue.error(path, "the URL has no host"));
                return;
            }
            if (u.getRawQuery() != null || u.getRawFragment() != null) {
                out.add(Issue.error(path, "must not have a query or fragment: it is the base that canvas paths are appended to"));
                return;
            }
            String p = u.getRawPath();
            if (p == null || p.isEmpty() || p.equals("/")) {
                out.add(Issue.warn(path, "the URL has no path, so canvas URLs will be " + u.getScheme() + "://" + u.getRawAuthority()
                        + "/<file>; the gateway serves the canvas under /canvas/ (did you mean " + u.getScheme() + "://"
                        + u.getRawAuthority() + "/canvas/?)"));
            }
        }

        @Override
        public String describe() {
            return "an http(s) URL";
        }
    }

    /** A folder path: a non-empty string this system accepts as a path. */
    static final class RootPath extends Shape {
        @Override
        public void check(String path, Object value, List<Issue> out) {
            if (!(value instanceof String s) || s.isBlank()) {
                out.add(Issue.error(path, "expected " + describe() + ", got " + Shape.render(value)));
                return;
            }
            try {
                java.nio.file.Path.of(s.trim());
            } catch (java.nio.file.InvalidPathException e) {
                out.add(Issue.error(path, "not a usable folder path: " + e.getReason()));
            }
        }

        @Override
        public String describe() {
            return "a folder path";
        }
    }

    /** The reference's {@code canvasHost.port}: accepted with a warning, since the canvas is on the gateway port. */
    static final class IgnoredPort extends Shape {
        @Override
        public void check(String path, Object value, List<Issue> out) {
            out.add(Issue.warn(path, "ignored: Gatehouse serves the canvas on the gateway port (gateway.port) under /canvas/"));
        }

        @Override
        public String describe() {
            return "ignored";
        }
    }
}

package io.gatehouse.skills;

import static io.gatehouse.api.config.schema.Shape.arrayOf;
import static io.gatehouse.api.config.schema.Shape.bool;
import static io.gatehouse.api.config.schema.Shape.either;
import static io.gatehouse.api.config.schema.Shape.integer;
import static io.gatehouse.api.config.schema.Shape.mapOf;
import static io.gatehouse.api.config.schema.Shape.nonEmptyString;
import static io.gatehouse.api.config.schema.Shape.object;
import static io.gatehouse.api.config.schema.Shape.oneOf;
import static io.gatehouse.api.config.schema.Shape.string;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Shape;

/**
 * Owns the {@code skills} config section: its shape (strict, in the reference's form) and its reload
 * rule (hot: the skills bundle applies every change in place, {@value #RELOAD_SKILLS}).
 */
@Component(property = ConfigSection.PREFIX + "=" + SkillsConfigSection.PREFIX)
public final class SkillsConfigSection implements ConfigSection {
    static final String PREFIX = "skills";
    static final String RELOAD_SKILLS = "reload-skills";

    static final Shape SHAPE = object()
            .field("allowBundled", arrayOf(string()))
            .field("load", object()
                    .field("watch", bool())
                    .field("watchDebounceMs", integer(0, 60_000))
                    .field("extraDirs", arrayOf(nonEmptyString())))
            .field("entries", mapOf(object()
                    .field("enabled", bool())
                    .secret("apiKey", either(string(), object().open()))
                    .secret("env", mapOf(string()))
                    .field("config", object().open())))
            .field("limits", object()
                    .field("maxCandidatesPerRoot", integer(1, 1_000_000))
                    .field("maxSkillsLoadedPerSource", integer(1, 1_000_000))
                    .field("maxSkillsInPrompt", integer(0, 100_000))
                    .field("maxSkillsPromptChars", integer(0, 100_000_000))
                    .field("maxSkillFileBytes", integer(1, 1_000_000_000)))
            .field("install", object()
                    .field("preferBrew", bool())
                    .field("nodeManager", oneOf("npm", "pnpm", "yarn", "bun")));

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public Shape schema() {
        return SHAPE;
    }

    @Override
    public List<ReloadRule> reloadRules() {
        return List.of(ReloadRule.hot(PREFIX, RELOAD_SKILLS));
    }
}

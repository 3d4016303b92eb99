package io.gatehouse.skills.load;

import java.util.List;

/**
 * The reference's {@code metadata.openclaw} object (legacy {@code metadata.clawdbot}).
 *
 * @param always     eligible whatever its requirements (not the OS, not {@code enabled: false})
 * @param emoji      shown in lists
 * @param homepage   a link
 * @param os         platforms it runs on ({@code linux}, {@code darwin}, {@code win32}); empty: any
 * @param bins       binaries that must all be on PATH
 * @param anyBins    binaries of which one must be on PATH
 * @param env        environment variables that must be set
 * @param config     config paths that must be truthy
 * @param primaryEnv the variable {@code skills.entries.<key>.apiKey} is passed as
 * @param skillKey   the key of its {@code skills.entries} entry (default: the name)
 */
public record SkillMeta(boolean always, String emoji, String homepage, List<String> os, List<String> bins,
        List<String> anyBins, List<String> env, List<String> config, String primaryEnv, String skillKey) {
    public static final SkillMeta NONE = new SkillMeta(false, null, null, List.of(), List.of(), List.of(), List.of(),
            List.of(), null, null);

    public SkillMeta {
        os = List.copyOf(os);
        bins = List.copyOf(bins);
        anyBins = List.copyOf(anyBins);
        env = List.copyOf(env);
        config = List.copyOf(config);
    }
}

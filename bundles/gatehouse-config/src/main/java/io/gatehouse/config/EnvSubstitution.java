package io.gatehouse.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gatehouse.api.config.schema.Issue;

/**
 * {@code ${ENV_VAR}} in string values, so secrets stay out of the file. {@code $${X}} is a literal
 * {@code ${X}}. A variable that is not set is an error naming the path.
 */
final class EnvSubstitution {
    private static final Pattern REF = Pattern.compile("\\$?\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}");

    private final Function<String, String> env;

    EnvSubstitution(Function<String, String> env) {
        this.env = env;
    }

    /** Resolved copy of {@code config}; problems are added to {@code issues}. */
    Map<String, Object> resolve(Map<String, Object> config, List<Issue> issues) {
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) walk("", config, issues);
        return out;
    }

    static boolean hasReference(Object value) {
        return value instanceof String s && REF.matcher(s).find();
    }

    private Object walk(String path, Object value, List<Issue> issues) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), walk(path.isEmpty() ? String.valueOf(k) : path + "." + k, v, issues)));
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                copy.add(walk(path + "." + i, l.get(i), issues));
            }
            return copy;
        }
        if (value instanceof String s && s.contains("${")) {
            Matcher m = REF.matcher(s);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String replacement;
                if (m.group().startsWith("$$")) {
                    replacement = m.group().substring(1);
                } else {
                    String v = env.apply(m.group(1));
                    if (v == null) {
                        issues.add(new Issue(path, "environment variable " + m.group(1) + " is not set", false));
                        v = "";
                    }
                    replacement = v;
                }
                m.appendReplacement(b, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(b);
            return b.toString();
        }
        return value;
    }
}

package io.gatehouse.itests.support;

import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Shape;

/** Config sections a test owns, registered as a subsystem bundle registers its own; unregister them after the test. */
public final class TestSections {
    private TestSections() {
    }

    /** Registers the owner of {@code prefix} with this schema and these reload rules. */
    public static ServiceRegistration<ConfigSection> register(Class<?> test, String prefix, Shape schema, ReloadRule... rules) {
        List<ReloadRule> ruleList = List.of(rules);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ConfigSection.PREFIX, prefix);
        return FrameworkUtil.getBundle(test).getBundleContext().registerService(ConfigSection.class, new ConfigSection() {
            @Override
            public String prefix() {
                return prefix;
            }

            @Override
            public Shape schema() {
                return schema;
            }

            @Override
            public List<ReloadRule> reloadRules() {
                return ruleList;
            }
        }, props);
    }

    /** A section with free keys that only a framework restart applies (the gateway's address moves in place now). */
    public static ServiceRegistration<ConfigSection> restartOnly(Class<?> test, String prefix) {
        return register(test, prefix, Shape.object().open(), ReloadRule.restart(prefix));
    }
}

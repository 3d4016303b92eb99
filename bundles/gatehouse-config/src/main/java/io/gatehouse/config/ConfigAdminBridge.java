package io.gatehouse.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeProvider;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigException;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.config.edit.Paths;
import io.gatehouse.config.plan.ConfigDiff;

/**
 * The Config Admin door. Every top-level section of the config in force is mirrored as the
 * configuration {@code gatehouse.<section>} (described through Metatype), so OSGi tools (Gogo's
 * {@code cm:*}, the Web Console) see and edit it. An edit made there by anyone else is written back
 * into gatehouse.json through the pipeline, keeping the user's comments and key order; Gatehouse's
 * own updates are recognised by content and not processed twice.
 */
@Component(immediate = true, service = ConfigurationListener.class)
public final class ConfigAdminBridge implements ConfigurationListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigAdminBridge.class);
    static final String PID_PREFIX = "gatehouse.";
    /** Any bundle may see these configurations (multi-location binding). */
    static final String LOCATION = "?";
    private static final Object DELETED = new Object();

    private final ConfigurationAdmin cm;
    private final ConfigDoor pipeline;
    /** The top-level names mirrored (those a config may use now); refreshed on every sync. */
    private volatile Set<String> sections;
    private final ServiceRegistration<MetaTypeProvider> metatype;
    /**
     * What this bridge last wrote per PID. Config Admin delivers events asynchronously, so the event
     * of our own mirror update can arrive after the config has moved on; it is recognised by being
     * exactly what we wrote, and never written back as if someone had edited it.
     */
    private final Map<String, Object> mirrored = new java.util.concurrent.ConcurrentHashMap<>();

    @Activate
    public ConfigAdminBridge(BundleContext context, @Reference ConfigurationAdmin cm, @Reference ConfigDoor config) {
        this.cm = cm;
        this.pipeline = config;
        this.sections = config.topLevelNames();
        metatype = context.registerService(MetaTypeProvider.class, new SectionMetaType(), metatypeProperties(sections));
        sync();
    }

    @Deactivate
    void deactivate() {
        try {
            metatype.unregister();
        } catch (IllegalStateException gone) {
            // bundle stopping
        }
    }

    /** The config in force changed: mirror it. */
    @Reference(policy = org.osgi.service.component.annotations.ReferencePolicy.STATIC, updated = "configChanged",
            name = "configChanges", service = ConfigService.class)
    void bindConfigChanges(ConfigService s) {
        // the constructor syncs
    }

    void configChanged(ConfigService s) {
        sync();
    }

    private static Hashtable<String, Object> metatypeProperties(Set<String> sections) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(MetaTypeProvider.METATYPE_PID, sections.stream().map(s -> PID_PREFIX + s).toArray(String[]::new));
        return props;
    }

    /** Makes Config Admin hold exactly the sections of the config in force. */
    synchronized void sync() {
        Map<String, Object> raw = pipeline.currentRaw();
        Set<String> now = new java.util.TreeSet<>(pipeline.topLevelNames());
        now.addAll(raw.keySet()); // a section whose owner is not installed is still the file's
        if (!now.equals(sections)) {
            sections = now;
            try {
                metatype.setProperties(metatypeProperties(now));
            } catch (IllegalStateException | NullPointerException stopping) {
                // not registered yet (constructor) or the bundle is stopping
            }
        }
        try {
            for (String section : sections) {
                String pid = PID_PREFIX + section;
                Object value = raw.get(section);
                if (value == null) {
                    Configuration[] existing = cm.listConfigurations("(service.pid=" + pid + ")");
                    if (existing != null) {
                        for (Configuration c : existing) {
                            mirrored.put(pid, DELETED);
                            c.delete();
                        }
                    }
                    continue;
                }
                Configuration c = cm.getConfiguration(pid, LOCATION);
                Hashtable<String, Object> props = SectionProperties.flatten(value);
                Dictionary<String, Object> have = c.getProperties();
                if (have == null || !same(value, SectionProperties.unflatten(have))) {
                    mirrored.put(pid, SectionProperties.unflatten(props));
                    c.update(props);
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("cannot mirror the config into Config Admin: {}", e.toString());
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        String pid = event.getPid();
        if (event.getFactoryPid() != null || pid == null || !pid.startsWith(PID_PREFIX)) {
            return;
        }
        String section = pid.substring(PID_PREFIX.length());
        if (!sections.contains(section)) {
            return;
        }
        synchronized (this) {
            try {
                Object fromAdmin = null;
                if (event.getType() == ConfigurationEvent.CM_UPDATED) {
                    Dictionary<String, Object> props = cm.getConfiguration(pid, LOCATION).getProperties();
                    fromAdmin = props == null ? null : SectionProperties.unflatten(props);
                }
                Object inForce = pipeline.currentRaw().get(section);
                Object ours = mirrored.get(pid);
                if (same(inForce, fromAdmin) || (fromAdmin == null ? ours == DELETED : ours != DELETED && same(ours, fromAdmin))) {
                    return; // our own mirror update (possibly of an older config), or nothing changed
                }
                Map<String, Object> edits = edits(section, inForce, fromAdmin);
                LOG.info("Config Admin edit of {} written back to {}: {}", pid, pipeline.file().getFileName(), edits.keySet());
                pipeline.editAll(edits, "config-admin");
            } catch (ConfigException e) {
                LOG.error("Config Admin edit of {} refused, restoring it from {}: {}", pid, pipeline.file(), e.getMessage());
                sync();
            } catch (IOException e) {
                LOG.warn("Config Admin event for {}: {}", pid, e.toString());
            }
        }
    }

    /** Path-level edits turning {@code before} into {@code after} (null value = remove). */
    static Map<String, Object> edits(String section, Object before, Object after) {
        Map<String, Object> edits = new LinkedHashMap<>();
        if (!(before instanceof Map) || !(after instanceof Map)) {
            edits.put(section, after);
            return edits;
        }
        for (List<String> rel : ConfigDiff.changedSegments(before, after)) {
            Object v = ConfigCommands.lookup(after, rel);
            List<String> path = new ArrayList<>(rel.size() + 1);
            path.add(section);
            path.addAll(rel);
            // quoted where a key has dots (logger names, plugin ids), so the edit addresses that key
            edits.put(Paths.display(path), v == ConfigCommands.MISSING ? null : v);
        }
        return edits;
    }

    static boolean same(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        return ConfigDiff.changedValuePaths(a, b).isEmpty();
    }

    /** Describes each section's configuration from its current properties. */
    private final class SectionMetaType implements MetaTypeProvider {
        @Override
        public ObjectClassDefinition getObjectClassDefinition(String id, String locale) {
            if (id == null || !id.startsWith(PID_PREFIX) || !sections.contains(id.substring(PID_PREFIX.length()))) {
                return null;
            }
            String section = id.substring(PID_PREFIX.length());
            Hashtable<String, Object> props = SectionProperties.flatten(pipeline.currentRaw().get(section));
            List<AttributeDefinition> attrs = new ArrayList<>();
            for (String key : new java.util.TreeSet<>(props.keySet())) {
                attrs.add(attribute(key, props.get(key)));
            }
            return new ObjectClassDefinition() {
                @Override
                public String getName() {
                    return "Gatehouse " + section;
                }

                @Override
                public String getID() {
                    return id;
                }

                @Override
                public String getDescription() {
                    return "The \"" + section + "\" section of gatehouse.json; edits are written back to the file.";
                }

                @Override
                public AttributeDefinition[] getAttributeDefinitions(int filter) {
                    return filter == ObjectClassDefinition.OPTIONAL ? new AttributeDefinition[0]
                            : attrs.toArray(AttributeDefinition[]::new);
                }

                @Override
                public InputStream getIcon(int size) {
                    return null;
                }
            };
        }

        @Override
        public String[] getLocales() {
            return null;
        }
    }

    private static AttributeDefinition attribute(String key, Object sample) {
        Object element = sample != null && sample.getClass().isArray() ? null : sample;
        int type;
        Class<?> c = sample == null ? String.class : sample.getClass().isArray() ? sample.getClass().getComponentType() : sample.getClass();
        if (c == Long.class) {
            type = AttributeDefinition.LONG;
        } else if (c == Double.class || c == Float.class) {
            type = AttributeDefinition.DOUBLE;
        } else if (c == Boolean.class) {
            type = AttributeDefinition.BOOLEAN;
        } else {
            type = AttributeDefinition.STRING;
        }
        int cardinality = sample != null && sample.getClass().isArray() ? Integer.MAX_VALUE : 0;
        String[] defaults = element == null ? null : new String[] {String.valueOf(element)};
        return new AttributeDefinition() {
            @Override
            public String getName() {
                return key;
            }

            @Override
            public String getID() {
                return key;
            }

            @Override
            public String getDescription() {
                return key + " (JSON text when it holds objects)";
            }

            @Override
            public int getCardinality() {
                return cardinality;
            }

            @Override
            public int getType() {
                return type;
            }

            @Override
            public String[] getOptionValues() {
                return null;
            }

            @Override
            public String[] getOptionLabels() {
                return null;
            }

            @Override
            public String validate(String value) {
                return null;
            }

            @Override
            public String[] getDefaultValue() {
                return defaults;
            }
        };
    }
}

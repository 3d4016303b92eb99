package io.gatehouse.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

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
 * own updates are recognised by Config Admin's change count and not processed twice. Deleting a
 * configuration never deletes file content: the mirror is restored from the file, and the log names
 * {@code config:unset} as the way to remove a section.
 */
@Component(immediate = true, service = ConfigurationListener.class)
public final class ConfigAdminBridge implements ConfigurationListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigAdminBridge.class);
    static final String PID_PREFIX = "gatehouse.";
    /** Any bundle may see these configurations (multi-location binding). */
    static final String LOCATION = "?";

    private final ConfigurationAdmin cm;
    private final ConfigDoor pipeline;
    /** The top-level names mirrored (those a config may use now); refreshed on every sync. */
    private volatile Set<String> sections;
    private final ServiceRegistration<MetaTypeProvider> metatype;
    /**
     * Per PID, Config Admin's change count of the last state that agrees with the file: what this
     * bridge wrote, or an edit made there that was written back. Config Admin delivers events
     * asynchronously, so an event may arrive after the config moved on; the count, not the value,
     * tells whether Config Admin holds something not yet handled. (A value can legitimately return
     * to what was mirrored before: an edit back to the old value is an edit.)
     */
    private final Map<String, Long> handled = new java.util.concurrent.ConcurrentHashMap<>();
    /** PIDs this bridge deleted itself (their section left the file): their delete event is no edit. */
    private final Set<String> deletedHere = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Config Admin's store ({@code felix.cm.dir}): it holds the mirrored sections, secrets included. */
    private final Path store;

    @Activate
    public ConfigAdminBridge(BundleContext context, @Reference ConfigurationAdmin cm, @Reference ConfigDoor config) {
        this.cm = cm;
        this.pipeline = config;
        String dir = context.getProperty("felix.cm.dir");
        this.store = dir == null || dir.isBlank() ? null : Path.of(dir);
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
                            deletedHere.add(pid);
                            handled.remove(pid);
                            c.delete();
                        }
                    }
                    continue;
                }
                Configuration c = cm.getConfiguration(pid, LOCATION);
                Dictionary<String, Object> have = c.getProperties();
                Long seen = handled.get(pid);
                if (have != null && seen != null && c.getChangeCount() != seen) {
                    // an edit made in Config Admin that its event has not brought in yet: overwriting it
                    // would lose it; the event applies it against the config in force now
                    continue;
                }
                long count = c.getChangeCount();
                if (have == null || !same(value, SectionProperties.unflatten(have))) {
                    c.update(SectionProperties.flatten(value));
                    count++; // our update; an edit made meanwhile counts further and its event brings it in
                }
                handled.put(pid, count);
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("cannot mirror the config into Config Admin: {}", e.toString());
        }
        ownerOnlyStore();
    }

    /**
     * Config Admin writes its files with the process's default permissions; they hold the config's
     * secrets, so they are made the owner's only (folders 0700, files 0600) after every mirror update.
     */
    private void ownerOnlyStore() {
        if (store == null || !Files.isDirectory(store)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(store)) {
            for (Path p : paths.toList()) {
                Set<PosixFilePermission> want = PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------");
                Set<PosixFilePermission> have = Files.getPosixFilePermissions(p);
                if (!want.containsAll(have)) {
                    Files.setPosixFilePermissions(p, want);
                }
            }
        } catch (IOException | java.io.UncheckedIOException | UnsupportedOperationException e) {
            LOG.debug("cannot restrict {}: {}", store, e.toString()); // a file Config Admin just replaced; the next sync does it
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
                Object inForce = pipeline.currentRaw().get(section);
                if (event.getType() == ConfigurationEvent.CM_DELETED) {
                    Configuration[] now = cm.listConfigurations("(service.pid=" + pid + ")");
                    if (deletedHere.remove(pid) || inForce == null
                            || (now != null && now.length > 0 && Long.valueOf(now[0].getChangeCount()).equals(handled.get(pid)))) {
                        return; // our own delete, a section the file does not have, or already restored
                    }
                    // A deleted configuration (cm delete, a .cfg removed from deploy/) never deletes what the
                    // user wrote in the file, comments included: the mirror comes back from the file.
                    LOG.warn("Config Admin configuration {} was deleted; {} keeps its \"{}\" section and {} is restored from it. "
                            + "To remove the section from the config, use config:unset {}", pid, pipeline.file().getFileName(),
                            section, pid, section);
                    handled.remove(pid);
                    sync();
                    return;
                }
                if (event.getType() != ConfigurationEvent.CM_UPDATED) {
                    return;
                }
                Configuration c = cm.getConfiguration(pid, LOCATION);
                long count = c.getChangeCount();
                Dictionary<String, Object> props = c.getProperties();
                if (props == null || Long.valueOf(count).equals(handled.get(pid))) {
                    return; // our own mirror update, or an edit handled already (events may come late)
                }
                Object fromAdmin = SectionProperties.unflatten(props);
                if (same(inForce, fromAdmin)) {
                    handled.put(pid, count); // an edit to what is in force already
                    return;
                }
                Map<String, Object> edits = edits(section, inForce, fromAdmin);
                LOG.info("Config Admin edit of {} written back to {}: {}", pid, pipeline.file().getFileName(), edits.keySet());
                ownerOnlyStore(); // the edit was stored by Config Admin before it reached us
                handled.put(pid, count); // what Config Admin holds is the edit being applied, not a new one
                pipeline.editAll(edits, "config-admin");
            } catch (ConfigException e) {
                LOG.error("Config Admin edit of {} refused, restoring it from {}: {}", pid, pipeline.file(), e.getMessage());
                handled.remove(pid);
                sync();
            } catch (IOException | InvalidSyntaxException e) {
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
                // descriptions are for any Metatype reader: a secret is never a default shown there
                boolean secret = Redaction.isSecretPath(section + "." + key);
                attrs.add(attribute(key, props.get(key), secret));
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

    private static AttributeDefinition attribute(String key, Object sample, boolean secret) {
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
        String[] defaults = element == null || secret ? null : new String[] {Redaction.scrub(String.valueOf(element))};
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

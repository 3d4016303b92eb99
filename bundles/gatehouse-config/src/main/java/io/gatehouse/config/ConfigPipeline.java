package io.gatehouse.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;
import io.gatehouse.api.config.SectionState;
import io.gatehouse.api.config.ConfigReloadEvent;
import io.gatehouse.api.config.ConfigReloadListener;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.config.ReloadHandler;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.watch.FileWatch;
import io.gatehouse.api.watch.FileWatchService;
import io.gatehouse.api.watch.WatchListener;
import io.gatehouse.api.watch.WatchRequest;
import io.gatehouse.config.plan.ConfigDiff;
import io.gatehouse.config.plan.ReloadDecision;
import io.gatehouse.config.plan.ReloadMode;
import io.gatehouse.config.plan.ReloadPlanner;
import io.gatehouse.config.section.Sections;
import io.gatehouse.support.files.Sha256;
import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.launcher.api.LauncherControl;
import io.gatehouse.support.json5.Json5Limits;

/**
 * The one pipeline every door leads to: parse, validate, diff, plan, apply. The file watcher, the
 * shell ({@code config:set}, {@code gateway:reload}), Config Admin edits and plugin enable/disable
 * all submit text here; nothing else changes the config in force.
 *
 * <p>Registers {@link ConfigService} itself: DS cannot change a component's service properties, and
 * the {@link ConfigService#HASH} property must change with every applied reload.
 *
 * <p>Torn reads are impossible by construction: a strict prefix of a JSON object never parses, so a
 * successful parse proves the write finished and is applied at once; only a failed parse waits for
 * the file to settle before it is reported.
 */
@Component(service = {}, immediate = true, configurationPid = "gatehouse.config")
@Designate(ocd = ConfigPipeline.Config.class)
public final class ConfigPipeline implements ConfigDoor, WatchListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigPipeline.class);
    static final int HISTORY_SIZE = 50;
    static final long DEFAULT_DEBOUNCE_MS = 25;

    @ObjectClassDefinition(name = "Gatehouse config pipeline", description = "How etc/gatehouse.json is watched and applied.")
    public @interface Config {
        @AttributeDefinition(description = "An unparsable file is re-read until unchanged for this long (ms) before it is reported.", min = "0")
        long settleMs() default 150;

        @AttributeDefinition(description = "Longest wait for an unparsable or missing file to become usable (ms).", min = "0")
        long settleTimeoutMs() default 2000;
    }

    private final BundleContext context;
    private final Path file;
    private final Config config;
    private final FileWatchService watcher;
    private final LauncherControl launcher;
    private final Json5Limits limits;
    private final Json5Parser parser;
    private final EnvSubstitution env = new EnvSubstitution(System::getenv);
    private final ConfigEditor editor = new ConfigEditor();
    private final ServiceRegistration<?> registration;
    private final ConfigFile configFile;
    private final ReloadDispatch dispatch;
    private final Deque<ConfigReloadEvent> history = new ArrayDeque<>();
    private final HistoryFile historyFile;

    private volatile Snapshot current;
    /** The config this framework started with: what restart-class settings (the socket, HTTP) run with. */
    private volatile Snapshot started;
    private volatile Map<String, Object> currentRaw;
    private volatile ConfigError lastError;
    private String appliedTextHash; // guarded by this
    private FileWatch watch; // guarded by this
    private long watchDebounceMs; // guarded by this

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    final List<ConfigReloadListener> listeners = new CopyOnWriteArrayList<>();

    /** The section owners (the whiteboard of {@link ConfigSection}): schema, reload rules, known ids. */
    final List<ServiceReference<ConfigSection>> sectionRefs = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<ServiceReference<ReloadHandler>> reloadHandlers = List.of();

    /** Paths of the file not applied because the reload mode is off (applied at the next framework start). */
    private volatile List<String> notApplied = List.of();

    /** Findings of the config in force under the sections registered now (a section may arrive after its config). */
    private volatile List<String> inForceIssues = List.of();

    @Activate
    public ConfigPipeline(BundleContext context, Config config, @Reference FileWatchService watcher,
            @Reference LauncherControl launcher) throws IOException {
        this.context = context;
        this.config = config;
        this.watcher = watcher;
        this.launcher = launcher;
        String configured = context.getProperty("gatehouse.config");
        this.file = Path.of(configured != null ? configured : "etc/gatehouse.json").toAbsolutePath();
        this.limits = Json5Limits.from(context::getProperty);
        this.parser = new Json5Parser(limits.maxDepth());
        String data = context.getProperty("gatehouse.data");
        // History outlives framework restarts: the change that caused a restart stays visible after it.
        this.historyFile = new HistoryFile(data == null ? null : Path.of(data, "config", "history.jsonl"), HISTORY_SIZE);
        history.addAll(historyFile.load());
        this.configFile = new ConfigFile(file, data == null ? null : Path.of(data, "config", "last-good.json"), limits);
        this.dispatch = new ReloadDispatch(context, () -> sectionRefs, () -> reloadHandlers);
        Evaluated first;
        String text = null;
        ConfigError startError = null;
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !configFile.hasLastGood()) {
            first = evaluate0(Map.of()); // a fresh home without a config file: the embedded defaults
            if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
                startError = new ConfigError(file, 0, 0, "", "the folder " + file.getParent()
                        + " does not exist; running on the embedded defaults");
            }
        } else {
            try {
                // A framework may start while an editor is mid-write: settle like the watcher does.
                text = readSettled();
                first = evaluate(text);
            } catch (ConfigException e) {
                startError = e.error();
                text = null;
                first = lastGood();
            } catch (Throwable t) {
                // Whatever the file does to the reader, the gateway starts (on the last good config) and says why.
                startError = internalError("reading the config at start", t);
                text = null;
                first = lastGood();
            }
        }
        appliedTextHash = text == null ? null : sha256(text);
        if (text != null) {
            configFile.saveLastGood(text);
        }
        current = first.snapshot;
        started = first.snapshot;
        currentRaw = first.raw;
        registration = context.registerService(new String[] {ConfigService.class.getName(), ConfigDoor.class.getName()},
                this, properties(first.snapshot));
        LOG.info("config in force: {} (hash {})", file, shortHash(first.snapshot.hash()));
        if (startError != null) {
            lastError = startError;
            LOG.warn("config reload skipped (invalid config): {}; running on the last good config", startError);
            record(new ConfigReloadEvent(System.currentTimeMillis(), System.currentTimeMillis(), first.snapshot.hash(),
                    List.of(), ConfigReloadEvent.REJECTED, startError, null, "start",
                    "the file was not usable when the framework started; running on the last good config"));
        }
        synchronized (this) {
            startWatch(debounceOf(first.snapshot));
        }
    }

    /** The last config applied (by this or an earlier framework), or the embedded defaults. */
    private Evaluated lastGood() {
        try {
            String text = configFile.readLastGood();
            if (text != null) {
                return evaluate(text);
            }
        } catch (ConfigException e) {
            LOG.warn("last good config {} unusable: {}", configFile.lastGoodPath(), e.getMessage());
        } catch (Throwable t) {
            LOG.warn("last good config {} unusable: {}", configFile.lastGoodPath(), t.toString());
        }
        return evaluate0(Map.of());
    }

    // ---- the section whiteboard

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeSection")
    void addSection(ServiceReference<ConfigSection> ref) {
        sectionRefs.add(ref);
        recheckInForce();
    }

    void removeSection(ServiceReference<ConfigSection> ref) {
        sectionRefs.remove(ref);
        recheckInForce();
    }

    /**
     * A section's owner arrived or left: the config in force may have been accepted before its owner
     * could check it. Its findings are logged and shown by {@code gateway:status}; the config stays in
     * force (the owner reads what it can), and the next edit must pass the owner's check.
     */
    private void recheckInForce() {
        Map<String, Object> raw = currentRaw;
        if (raw == null) {
            return; // still activating: the first evaluation sees every section registered so far
        }
        List<String> errors = new ArrayList<>();
        for (Issue i : dispatch.sections().validate(raw)) {
            if (!i.warning()) {
                errors.add(i.path() + ": " + i.reason());
            }
        }
        if (!errors.isEmpty() && !errors.equals(inForceIssues)) {
            LOG.error("config in force ({}) does not pass the check of a section owner that started after it was applied: {}; "
                    + "fix the file, the next valid edit applies", file, errors);
        }
        inForceIssues = List.copyOf(errors);
    }

    @Override
    public List<String> inForceIssues() {
        return inForceIssues;
    }

    /**
     * Derived from facts, not from the last success: the paths whose value in force differs from the
     * value this framework started with and which only a restart applies (the plan's restart paths), and
     * the paths of the file not applied because reloading is off.
     */
    @Override
    public List<String> pendingRestart() {
        List<String> out = new ArrayList<>();
        try {
            Snapshot from = started;
            Snapshot now = current;
            if (from != null && now != null && !from.hash().equals(now.hash())) {
                List<String> paths = ReloadPlanner.refine(ConfigDiff.changedPaths(from.asMap(), now.asMap()), from.asMap(),
                        now.asMap(), dispatch.rules().rules());
                if (!paths.isEmpty()) {
                    ReloadPlan plan = dispatch.plan(paths);
                    List<String> restart = ReloadMode.of(now) == ReloadMode.RESTART
                            ? plan.changedPaths().stream().filter(p -> !plan.noopPaths().contains(p)).toList()
                            : plan.restartReasons();
                    for (String p : restart) {
                        out.add(p + ": in force, applied at the next framework restart");
                    }
                }
            }
            for (String p : notApplied) {
                out.add(p + ": changed in the file, not applied (gateway.reload.mode is off; applied at the next framework restart)");
            }
        } catch (RuntimeException e) {
            out.add("cannot tell: " + e);
        }
        return out;
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            if (watch != null) {
                watch.close();
                watch = null;
            }
        }
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping
        }
    }

    // ---- ConfigService

    @Override
    public ConfigSnapshot current() {
        return current;
    }

    @Override
    public Map<String, Object> currentRaw() {
        return currentRaw;
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public List<SectionState> sections() {
        return dispatch.sections().states(currentRaw);
    }

    @Override
    public Set<String> topLevelNames() {
        Set<String> names = new java.util.TreeSet<>();
        for (SectionState s : dispatch.sections().states(Map.of())) {
            int dot = s.prefix().indexOf('.');
            names.add(dot < 0 ? s.prefix() : s.prefix().substring(0, dot));
        }
        return names;
    }

    @Override
    public Optional<ConfigError> lastError() {
        return Optional.ofNullable(lastError);
    }

    @Override
    public ConfigSnapshot reload() throws ConfigException {
        long observedAt = System.currentTimeMillis();
        ConfigReloadEvent e;
        synchronized (this) {
            if (watch == null) {
                startWatch(watchDebounceMs > 0 ? watchDebounceMs : DEFAULT_DEBOUNCE_MS); // e.g. etc/ exists now
            }
            try {
                String text;
                try {
                    text = configFile.read();
                } catch (ConfigException unreadable) {
                    throw new ConfigException(record(reject(observedAt, "reload", unreadable.error())).error());
                }
                e = submit(text, "reload", observedAt, true);
            } catch (ConfigException passOn) {
                throw passOn;
            } catch (Throwable t) {
                e = record(reject(observedAt, "reload", internalError("reloading", t)));
            }
        }
        if (e != null && e.error() != null) {
            throw new ConfigException(e.error());
        }
        return current;
    }

    @Override
    public synchronized ConfigReloadEvent set(String path, Object value, String source) throws ConfigException {
        return edit(path, source, text -> editor.set(file, text, path, value));
    }

    @Override
    public synchronized ConfigReloadEvent unset(String path, String source) throws ConfigException {
        return edit(path, source, text -> editor.unset(file, text, path));
    }

    /**
     * Several edits written as one: one file write, one reload. Values of {@code null} remove the
     * path. Used by the Config Admin door, whose one update can touch many keys.
     */
    @Override
    public synchronized ConfigReloadEvent editAll(Map<String, Object> setOrUnset, String source) throws ConfigException {
        return edit(String.join(", ", setOrUnset.keySet()), source, text -> {
            String t = text;
            for (Map.Entry<String, Object> e : setOrUnset.entrySet()) {
                t = e.getValue() == null ? editor.unset(file, t, e.getKey()) : editor.set(file, t, e.getKey(), e.getValue());
            }
            return t;
        });
    }

    @Override
    public synchronized List<ConfigReloadEvent> history() {
        return List.copyOf(history);
    }

    @Override
    public ReloadPlan plan(List<String> changedPaths) {
        return dispatch.plan(changedPaths);
    }

    /** Validates a file without applying it: the issues (errors and warnings) with positions. */
    @Override
    public List<String> validateFile(Path other) throws ConfigException {
        String text = ConfigFile.read(other, limits); // never blocks on a FIFO, never reads /dev/zero
        if (text == null) {
            throw new ConfigException(new ConfigError(other, 0, 0, "", "no such file"));
        }
        Map<String, Object> raw = parser.parse(other, text);
        List<Issue> issues = new ArrayList<>();
        env.resolve(raw, issues);
        Sections sections = dispatch.sections();
        issues.addAll(sections.validate(raw));
        Map<String, int[]> at = parser.locations(text);
        List<String> out = new ArrayList<>();
        for (Issue i : issues) {
            out.add((i.warning() ? "warning: " : "error: ") + errorAt(other, at, i));
        }
        for (SectionState st : sections.states(raw)) {
            if (st.present() && SectionState.INERT.equals(st.state())) {
                out.add("inert: " + st.prefix() + ": " + st.detail());
            }
        }
        return out;
    }

    // ---- the file door

    @Override
    public void changed(Set<Path> changed) {
        long observedAt = System.currentTimeMillis();
        // Read under the lock: a read that raced with a reload or an edit must not be applied after it.
        synchronized (this) {
            try {
                String text;
                try {
                    text = readSettled();
                } catch (ConfigException e) {
                    record(reject(observedAt, "file", e.error()));
                    return;
                }
                submit(text, "file", observedAt, false);
            } catch (Throwable t) {
                // The watcher's thread must never die here, or every later edit would be ignored: whatever
                // the file did (out of memory, stack overflow, a failing owner), it is reported and the
                // last good config stays in force. The next change is read afresh.
                survive(observedAt, "file", t);
            }
        }
    }

    /** Records a Throwable that escaped a reload attempt; never throws itself. */
    private void survive(long observedAt, String source, Throwable t) {
        try {
            record(reject(observedAt, source, internalError("applying a config change", t)));
        } catch (Throwable again) {
            try {
                lastError = internalError("applying a config change", t);
                LOG.error("config pipeline: {} (and recording it failed: {})", t, again.toString());
            } catch (Throwable ignored) {
                // out of memory: nothing more can be done here; the next change is tried afresh
            }
        }
    }

    /** An error for something that went wrong inside the gateway rather than in the file. */
    private ConfigError internalError(String doing, Throwable t) {
        String what = t instanceof OutOfMemoryError ? "out of memory"
                : t instanceof StackOverflowError ? "stack overflow (the config is nested too deeply)" : t.toString();
        LOG.error("config pipeline failed while {}: {}; keeping the last good config", doing, t.toString(), t);
        return new ConfigError(file, 0, 0, "", "internal error while " + doing + ": " + what
                + "; keeping the last good config");
    }

    @Override
    public void problem(String message) {
        LOG.warn("config watcher: {}", message);
    }

    // ---- the pipeline

    private interface Edit {
        String apply(String text) throws ConfigException;
    }

    private ConfigReloadEvent edit(String path, String source, Edit edit) throws ConfigException {
        long observedAt = System.currentTimeMillis();
        try {
            String before = configFile.read();
            if (before != null) {
                withinLimits(before); // the editor reads the text too: nothing deeper than the limit reaches it
            }
            String after = edit.apply(before == null ? "{\n}\n" : before);
            if (after.getBytes(StandardCharsets.UTF_8).length > limits.maxBytes()) {
                throw new ConfigException(new ConfigError(file, 0, 0, path, "the edited file would be over the limit of "
                        + limits.maxBytes() + " bytes (" + Json5Limits.MAX_BYTES_PROPERTY + ")"));
            }
            Evaluated checked = evaluate(after); // refuse an edit that would make the config invalid, before touching the file
            configFile.writeAtomically(after);
            ConfigReloadEvent e = submit(after, checked, source, observedAt, true);
            return e != null ? e : new ConfigReloadEvent(observedAt, System.currentTimeMillis(), current.hash(), List.of(),
                    ConfigReloadEvent.NOOP, null, null, source, "no change");
        } catch (ConfigException e) {
            throw e;
        } catch (Throwable t) {
            throw new ConfigException(internalError("editing " + path, t), t instanceof Exception ex ? ex : null);
        }
    }

    /** Throws the parser's limit error for text nested deeper than the limit; other problems are the editor's to report. */
    private void withinLimits(String text) throws ConfigException {
        try {
            parser.parse(file, text);
        } catch (ConfigException e) {
            if (e.getCause() instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
                throw e;
            }
        }
    }

    /**
     * Runs one reload attempt for the given file content. Identical content (including the echo of
     * Gatehouse's own writes) is recognised by its hash and not processed twice.
     *
     * @return the recorded event, or null when the content was already in force
     */
    private synchronized ConfigReloadEvent submit(String text, String source, long observedAt, boolean force) {
        return submit(text, null, source, observedAt, force);
    }

    /** As above; {@code evaluated} is the already validated {@code text}, or null to evaluate it here. */
    private synchronized ConfigReloadEvent submit(String text, Evaluated evaluated, String source, long observedAt,
            boolean force) {
        if (text == null) {
            return record(reject(observedAt, source, new ConfigError(file, 0, 0, "",
                    "file is missing; keeping the last good config")));
        }
        String textHash = sha256(text);
        if (!force && textHash.equals(appliedTextHash)) {
            LOG.debug("config file content unchanged ({}), nothing to do", shortHash(textHash));
            if (lastError != null) {
                // The file is back to the content in force: the earlier rejection no longer describes it.
                lastError = null;
                LOG.info("config file is back to the config in force; the earlier error no longer applies");
                return record(new ConfigReloadEvent(observedAt, System.currentTimeMillis(), current.hash(), List.of(),
                        ConfigReloadEvent.NOOP, null, null, source, "the file is back to the config in force"));
            }
            return null;
        }
        Evaluated next = evaluated;
        if (next == null) {
            try {
                next = evaluate(text);
            } catch (ConfigException e) {
                return record(reject(observedAt, source, e.error()));
            }
        }
        appliedTextHash = textHash;
        lastError = null;
        notApplied = List.of();
        configFile.saveLastGood(text);
        inForceIssues = List.of();
        List<String> paths = ReloadPlanner.refine(ConfigDiff.changedPaths(current.asMap(), next.snapshot.asMap()),
                current.asMap(), next.snapshot.asMap(), dispatch.rules().rules());
        if (paths.isEmpty()) {
            return record(new ConfigReloadEvent(observedAt, System.currentTimeMillis(), current.hash(), List.of(),
                    ConfigReloadEvent.NOOP, null, null, source, "identical config"));
        }
        LOG.info("config change detected; evaluating reload ({})", String.join(", ", paths));
        ReloadPlan plan = plan(paths);
        ReloadDecision decision = ReloadDecision.decide(ReloadMode.of(next.snapshot), plan);
        String outcome;
        switch (decision.outcome()) {
            case NOTHING -> {
                if (decision.mode() == ReloadMode.OFF && !plan.noop()) {
                    // Not applied: the operator turned reloading off. The next start reads the file.
                    LOG.info(decision.description());
                    notApplied = paths;
                    return record(new ConfigReloadEvent(observedAt, System.currentTimeMillis(), current.hash(), paths,
                            ConfigReloadEvent.NOOP, null, plan, source, decision.description()));
                }
                if (decision.warn()) {
                    // hot mode, and every change needs a restart: in force for live readers, not running
                    LOG.warn(decision.description());
                }
                publish(next);
                outcome = ConfigReloadEvent.NOOP;
            }
            case HOT -> {
                publish(next);
                List<String> failures = dispatch.run(plan, current);
                if (!decision.ignoredRestartReasons().isEmpty()) {
                    LOG.warn(decision.description());
                }
                if (!failures.isEmpty()) {
                    // In force (live readers see it), but not everything it asks for happened: say so, truthfully.
                    String why = "applied, but " + String.join("; ", failures);
                    LOG.error("config hot reload incomplete ({}): {}", String.join(", ", plan.hotReasons()), why);
                    String at = plan.hotReasons().isEmpty() ? "" : plan.hotReasons().get(0);
                    return record(new ConfigReloadEvent(observedAt, System.currentTimeMillis(), current.hash(), paths,
                            ConfigReloadEvent.HOT, errorAt(file, parser.locations(text), new Issue(at, why, false)), plan,
                            source, decision.description() + "; " + why));
                }
                LOG.info("config hot reload applied ({})", String.join(", ", plan.hotReasons()));
                outcome = ConfigReloadEvent.HOT;
            }
            default -> {
                publish(next);
                List<String> why = plan.restartReasons().isEmpty() ? paths : plan.restartReasons();
                LOG.info("config change requires gateway restart ({})", String.join(", ", why));
                launcher.requestRestart("config change (" + String.join(", ", why) + ")");
                outcome = ConfigReloadEvent.RESTART;
            }
        }
        return record(new ConfigReloadEvent(observedAt, System.currentTimeMillis(), current.hash(), paths, outcome,
                null, plan, source, decision.description()));
    }

    /** Parse, substitute, validate. */
    private Evaluated evaluate(String text) throws ConfigException {
        Map<String, Object> raw = parser.parse(file, text);
        List<Issue> issues = new ArrayList<>();
        Map<String, Object> resolved = env.resolve(raw, issues);
        issues.addAll(dispatch.sections().validate(raw));
        List<Issue> errors = issues.stream().filter(i -> !i.warning()).toList();
        Map<String, int[]> at = null;
        if (!issues.isEmpty()) {
            at = parser.locations(text);
        }
        if (!errors.isEmpty()) {
            ConfigError first = errorAt(file, at, errors.get(0));
            String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more: "
                    + errors.subList(1, Math.min(errors.size(), 4)).stream().map(i -> i.path() + ": " + i.reason()).toList()
                    + ")" : "";
            throw new ConfigException(new ConfigError(first.file(), first.line(), first.column(), first.path(),
                    first.reason() + more));
        }
        for (Issue w : issues) {
            LOG.warn("config warning: {}", errorAt(file, at, w));
        }
        Evaluated e = evaluate0(resolved);
        return new Evaluated(e.snapshot, raw);
    }

    private Evaluated evaluate0(Map<String, Object> resolved) {
        return new Evaluated(new Snapshot(resolved, sha256(parser.canonical(resolved)), file, System.currentTimeMillis()),
                resolved);
    }

    private record Evaluated(Snapshot snapshot, Map<String, Object> raw) {
    }

    /**
     * The issue at its place in the file: an unknown key at the key, any other finding at the value;
     * a missing field at the object that lacks it.
     */
    static ConfigError errorAt(Path f, Map<String, int[]> at, Issue issue) {
        int[] pos = null;
        if (at != null) {
            pos = issue.reason().startsWith("unknown key") ? at.get(Json5Parser.KEY + issue.path()) : null;
            for (String p = issue.path(); pos == null && !p.isEmpty(); p = p.contains(".") ? p.substring(0, p.lastIndexOf('.')) : "") {
                pos = at.get(p);
            }
        }
        String reason = issue.reason();
        int got = reason.indexOf(", got ");
        if (Redaction.isSecretPath(issue.path()) && got > 0) {
            reason = reason.substring(0, got) + " (value redacted)"; // never echo a secret into logs or the shell
        }
        reason = Redaction.scrub(reason); // a URL's credentials in an echoed value
        return new ConfigError(f, pos == null ? 0 : pos[0], pos == null ? 0 : pos[1], issue.path(), reason);
    }

    private void publish(Evaluated next) {
        Snapshot applied = new Snapshot(next.snapshot.asMap(), next.snapshot.hash(), file, System.currentTimeMillis());
        boolean debounceChanged = debounceOf(applied) != watchDebounceMs;
        current = applied;
        currentRaw = next.raw;
        registration.setProperties(properties(applied));
        LOG.info("config in force: {} (hash {})", file, shortHash(applied.hash()));
        if (debounceChanged) {
            startWatch(debounceOf(applied));
        }
    }

    private ConfigReloadEvent reject(long observedAt, String source, ConfigError error) {
        lastError = error;
        LOG.warn("config reload skipped (invalid config): {}", error);
        return new ConfigReloadEvent(observedAt, System.currentTimeMillis(), current.hash(), List.of(),
                ConfigReloadEvent.REJECTED, error, null, source, error.toString());
    }

    private ConfigReloadEvent record(ConfigReloadEvent event) {
        synchronized (this) {
            history.addLast(event);
            while (history.size() > HISTORY_SIZE) {
                history.removeFirst();
            }
            historyFile.append(event);
        }
        for (ConfigReloadListener l : listeners) {
            try {
                l.reloaded(event);
            } catch (RuntimeException ex) {
                LOG.warn("config reload listener {} failed: {}", l, ex.toString());
            }
        }
        return event;
    }

    // ---- files

    private String readSettled() throws ConfigException {
        return configFile.readSettled(t -> parser.parse(file, t), config.settleMs(), config.settleTimeoutMs());
    }

    private void startWatch(long debounceMs) {
        if (watch != null) {
            watch.close();
        }
        try {
            watch = watcher.watch(WatchRequest.file("config", file, debounceMs), this);
            watchDebounceMs = debounceMs;
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot watch {}: {}; edits apply on gateway:reload only", file, e.toString());
            watch = null;
            if (lastError == null) {
                // status says so: the file's edits are not seen until the watch runs (gateway:reload retries it)
                lastError = new ConfigError(file, 0, 0, "", "cannot watch the file (" + e.getMessage()
                        + "); edits apply on gateway:reload only");
            }
        }
    }

    private static long debounceOf(ConfigSnapshot s) {
        return s.get("gateway.reload.debounceMs").filter(Number.class::isInstance).map(n -> ((Number) n).longValue())
                .orElse(DEFAULT_DEBOUNCE_MS);
    }

    private static Hashtable<String, Object> properties(ConfigSnapshot s) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ConfigService.HASH, s.hash());
        return p;
    }

    static String shortHash(String hash) {
        return hash.substring(0, Math.min(12, hash.length()));
    }

    static String sha256(String text) {
        return Sha256.of(text);
    }
}

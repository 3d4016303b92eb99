package io.gatehouse.config;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ReloadPlan;

/** {@code gateway:reload} (re-read the config now) and {@code gateway:reload-plan} (dry run). */
@Component(service = ReloadCommands.class, property = {
        "osgi.command.scope=gateway", "osgi.command.function=reload"})
public final class ReloadCommands {
    private final ConfigService config;

    @Activate
    public ReloadCommands(@Reference ConfigService config) {
        this.config = config;
    }

    @Descriptor("Re-read gatehouse.json now and apply it through the reload pipeline")
    public String reload() throws Exception {
        String before = config.current().hash();
        config.reload();
        var last = config.history();
        var event = last.isEmpty() ? null : last.get(last.size() - 1);
        if (event == null || config.current().hash().equals(before) && event.paths().isEmpty()) {
            return "config unchanged (hash " + ConfigPipeline.shortHash(before) + ")";
        }
        return ConfigCommands.describe(event);
    }

    /**
     * {@code gateway:reload-plan [--json] <path>...}: a hyphenated command name cannot be a Java
     * method, so it is a Gogo {@link Function} of its own.
     */
    @Component(service = Function.class, property = {"osgi.command.scope=gateway", "osgi.command.function=reload-plan"})
    public static final class ReloadPlanCommand implements Function {
        private final ConfigService config;
        private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        @Activate
        public ReloadPlanCommand(@Reference ConfigService config) {
            this.config = config;
        }

        @Override
        public Object execute(CommandSession session, List<Object> arguments) throws Exception {
            boolean asJson = false;
            List<String> paths = new ArrayList<>();
            for (Object a : arguments) {
                String s = String.valueOf(a);
                if ("--json".equals(s)) {
                    asJson = true;
                } else if ("--help".equals(s) || "-h".equals(s)) {
                    return "gateway:reload-plan [--json] <path>...\n  the reload plan the given changed paths would produce (dry run)";
                } else {
                    paths.add(s);
                }
            }
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("usage: gateway:reload-plan [--json] <path>...");
            }
            ReloadPlan p = config.plan(paths);
            if (asJson) {
                return json.writeValueAsString(ConfigCommands.planMap(p));
            }
            StringBuilder b = new StringBuilder();
            b.append(p.noop() ? "no-op" : p.restartGateway() ? "restart" : "hot").append('\n');
            b.append("  restart:  ").append(p.restartReasons()).append('\n');
            b.append("  hot:      ").append(p.hotReasons()).append('\n');
            b.append("  none:     ").append(p.noopPaths()).append('\n');
            b.append("  actions:  ").append(p.actions()).append('\n');
            b.append("  channels: ").append(p.restartChannels()).append('\n');
            for (String inert : p.inert()) {
                b.append("  inert:    ").append(inert).append('\n');
            }
            return b.toString();
        }
    }
}

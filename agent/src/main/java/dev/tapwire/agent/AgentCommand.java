package dev.tapwire.agent;

import dev.tapwire.agent.config.AgentConfig;
import dev.tapwire.agent.config.AgentConfigLoader;
import dev.tapwire.agent.config.AgentSettingKeys;
import dev.tapwire.agent.control.ControlTimings;
import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.runtime.config.SettingsException;
import dev.tapwire.runtime.config.YamlSettingsFile;
import dev.tapwire.runtime.privilege.PermissionHint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tapwire agent}: captures on interfaces and tunnels the frames to a collector, with
 * tcpdump-like flags. Flags override {@code TAPWIRE_AGENT_*} environment variables, which override
 * the YAML file. Runs until SIGTERM or SIGINT. A bad setting ends it at once with one line on
 * stderr and exit code 2; a failure while running (an interface went away) with exit code 1.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Capture frames on interfaces and tunnel them to a collector.",
    footer = "Example: tapwire agent -i eth0 --collector 198.18.0.2 'not port 22'")
public final class AgentCommand implements Callable<Integer> {
  /** The agent failed while running (a stage stopped). */
  static final int EXIT_FAILURE = 1;

  /** A setting is invalid: nothing was started. */
  static final int EXIT_BAD_SETTING = 2;

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "-i", paramLabel = "IFACE", description = "Interface to capture (repeatable).")
  List<String> interfaces;

  @Option(
      names = "--collector",
      paramLabel = "HOST[:PORT]",
      description = "Collector name or address (gRPC port 7460 by default).")
  String collector;

  @Option(names = "-s", paramLabel = "SNAPLEN", description = "Bytes kept per frame (65535).")
  Integer snapLen;

  @Option(names = "-p", description = "Do not put the interfaces in promiscuous mode.")
  boolean noPromiscuous;

  @Option(names = "-B", paramLabel = "KIB", description = "Kernel capture buffer in KiB.")
  Integer bufferKib;

  @Option(
      names = "-Q",
      paramLabel = "in|out|inout",
      description = "Capture received, sent or both (inout).")
  String direction;

  @Option(names = "--encap", paramLabel = "erspan3|erspan2|teb|vxlan|grpc", description = "Tunnel.")
  String encap;

  @Option(names = "--session-id", paramLabel = "N", description = "Session id (0-1023).")
  Integer sessionId;

  @Option(names = "--sample", paramLabel = "N", description = "Forward one frame in N.")
  Integer sample;

  @Option(names = "--rate-limit-mbps", paramLabel = "N", description = "Export limit, Mbit/s.")
  Long rateLimitMbps;

  @Option(names = "--rate-limit-pps", paramLabel = "N", description = "Export limit, packets/s.")
  Long rateLimitPps;

  @Option(names = "--vxlan-port", paramLabel = "N", description = "Collector VXLAN port (4789).")
  Integer vxlanPort;

  @Option(names = "--source", paramLabel = "ADDR", description = "Source address of the tunnel.")
  String source;

  @Option(names = "--path-mtu", paramLabel = "BYTES", description = "Path MTU (1500).")
  Integer pathMtu;

  @Option(
      names = "--oversize",
      paramLabel = "truncate|fragment",
      description = "Frames too big for the path MTU.")
  String oversize;

  @Option(names = "--queue-frames", paramLabel = "N", description = "Hand-off bound per iface.")
  Integer queueFrames;

  @Option(
      names = "--immediate-mode",
      paramLabel = "true|false",
      description = "Hand frames over as they arrive (true).")
  String immediateMode;

  @Option(
      names = "--send-method",
      paramLabel = "ring|socket",
      description = "Transmit ring with raw-socket fallback (ring), or raw socket only.")
  String sendMethod;

  @Option(names = "--metrics-address", paramLabel = "ADDR", description = "Metrics bind address.")
  String metricsAddress;

  @Option(names = "--metrics-port", paramLabel = "N", description = "Metrics port (9461).")
  Integer metricsPort;

  @Option(
      names = "--control-port",
      paramLabel = "N",
      description = "Collector control-plane (gRPC) port (7460); 0 turns it off.")
  Integer controlPort;

  @Option(names = "--no-control", description = "Run on local settings only, without a collector.")
  boolean noControl;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Client certificate (mTLS).")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Key of --tls-cert.")
  String tlsKey;

  @Option(names = "--tls-ca", paramLabel = "PEM", description = "CA of the collector's cert.")
  String tlsCa;

  @Option(
      names = "--label",
      paramLabel = "KEY=VALUE",
      description = "Label sent at registration (repeatable).")
  List<String> labels;

  @Option(names = "--dry-run", description = "Print the configuration and BPF program, exit.")
  boolean dryRun;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
  Path configFile;

  @Parameters(paramLabel = "EXPRESSION", description = "BPF filter expression.")
  List<String> expression;

  private final Map<String, String> environment;

  public AgentCommand() {
    this(System.getenv());
  }

  AgentCommand(Map<String, String> environment) {
    this.environment = environment;
  }

  /** Runs the command on its own, without the {@code tapwire} front end. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentCommand()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      AgentConfig config = AgentConfigLoader.load(settings());
      AgentPlan plan = AgentPlan.of(config);
      if (dryRun) {
        out.print(DryRunReport.render(plan));
        out.flush();
        return 0;
      }
      return runUntilSignalled(plan, err);
    } catch (SettingsException | AgentStartupException e) {
      err.println(
          "agent: "
              + PermissionHint.withHint(
                  String.valueOf(e.getMessage()), "CAP_NET_RAW for capture and raw IP sockets"));
      err.flush();
      return EXIT_BAD_SETTING;
    }
  }

  private int runUntilSignalled(AgentPlan plan, PrintWriter err) throws AgentStartupException {
    Agent agent =
        Agent.start(
            plan,
            dev.tapwire.agent.capture.CapturePath.DISPATCH,
            true,
            ControlTimings.DEFAULT,
            event -> {
              synchronized (err) {
                err.println("agent: " + event);
                err.flush();
              }
            });
    synchronized (err) {
      err.println("agent: " + DryRunReport.summary(plan, agent));
      err.flush();
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        Thread.ofPlatform()
            .name("agent-shutdown")
            .unstarted(
                () -> {
                  err.println("agent: stopping");
                  err.flush();
                  agent.close();
                  err.println("agent: stopped; " + agent.totals());
                  err.flush();
                  stopped.countDown();
                });
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
        if (!agent.healthy() && agent.failure() != null) {
          err.println("agent: stopped: " + agent.failure().getMessage());
          err.flush();
          Runtime.getRuntime().removeShutdownHook(hook);
          agent.close();
          return EXIT_FAILURE;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The settings layers: flags actually given, the environment, the YAML file. */
  LayeredSettings settings() {
    Map<String, List<String>> flags = new LinkedHashMap<>();
    if (interfaces != null && !interfaces.isEmpty()) {
      flags.put(AgentSettingKeys.INTERFACE, List.copyOf(interfaces));
    }
    put(flags, AgentSettingKeys.COLLECTOR, collector);
    put(flags, AgentSettingKeys.SNAPLEN, snapLen);
    if (noPromiscuous) {
      put(flags, AgentSettingKeys.PROMISCUOUS, "false");
    }
    put(flags, AgentSettingKeys.BUFFER_KIB, bufferKib);
    put(flags, AgentSettingKeys.DIRECTION, direction);
    put(flags, AgentSettingKeys.ENCAP, encap);
    put(flags, AgentSettingKeys.SESSION_ID, sessionId);
    put(flags, AgentSettingKeys.SAMPLE, sample);
    put(flags, AgentSettingKeys.RATE_LIMIT_MBPS, rateLimitMbps);
    put(flags, AgentSettingKeys.RATE_LIMIT_PPS, rateLimitPps);
    put(flags, AgentSettingKeys.VXLAN_PORT, vxlanPort);
    put(flags, AgentSettingKeys.SOURCE, source);
    put(flags, AgentSettingKeys.PATH_MTU, pathMtu);
    put(flags, AgentSettingKeys.OVERSIZE, oversize);
    put(flags, AgentSettingKeys.QUEUE_FRAMES, queueFrames);
    put(flags, AgentSettingKeys.IMMEDIATE_MODE, immediateMode);
    put(flags, AgentSettingKeys.SEND_METHOD, sendMethod);
    put(flags, AgentSettingKeys.METRICS_ADDRESS, metricsAddress);
    put(flags, AgentSettingKeys.METRICS_PORT, metricsPort);
    put(flags, AgentSettingKeys.CONTROL_PORT, controlPort);
    if (noControl) {
      put(flags, AgentSettingKeys.CONTROL, "false");
    }
    put(flags, AgentSettingKeys.TLS_CERT, tlsCert);
    put(flags, AgentSettingKeys.TLS_KEY, tlsKey);
    put(flags, AgentSettingKeys.TLS_CA, tlsCa);
    if (labels != null && !labels.isEmpty()) {
      flags.put(AgentSettingKeys.LABEL, List.copyOf(labels));
    }
    if (expression != null && !expression.isEmpty()) {
      flags.put(AgentSettingKeys.FILTER, List.of(String.join(" ", expression)));
    }
    Map<String, List<String>> file =
        configFile == null ? Map.of() : YamlSettingsFile.load(configFile);
    return new LayeredSettings(
        flags,
        environment,
        AgentSettingKeys.ENVIRONMENT_PREFIX,
        file,
        configFile == null ? "no config file" : "config file " + configFile);
  }

  private static void put(Map<String, List<String>> flags, String key, Object value) {
    if (value != null) {
      flags.put(key, List.of(value.toString()));
    }
  }
}

package dev.tapwire.collector;

import static dev.tapwire.collector.config.CollectorSettingKeys.*;

import dev.tapwire.collector.config.CollectorConfig;
import dev.tapwire.collector.config.CollectorConfigLoader;
import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.runtime.config.SettingsException;
import dev.tapwire.runtime.config.YamlSettingsFile;
import dev.tapwire.runtime.privilege.PermissionHint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tapwire collector}: receives mirrored traffic and delivers the frames untouched. Every
 * setting is a YAML key, a {@code TAPWIRE_COLLECTOR_*} variable and a flag of the same name (see
 * {@link dev.tapwire.collector.config.CollectorSettingKeys}); flags win over the environment, which
 * wins over the file. Only the options actually given become flags.
 */
@Command(
    name = "collector",
    mixinStandardHelpOptions = true,
    description = {
      "Receives mirrored traffic (raw GRE: ERSPAN I/II/III and GRE-TEB; VXLAN; GRE-in-UDP),"
          + " accounts for every frame, merges the streams in capture-time order and delivers"
          + " the inner frames byte for byte to capture files and/or a mirror NIC.",
      "Serves /metrics, /healthz and /readyz. Stops on SIGTERM or SIGINT after flushing."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "1:could not start (a socket, a sink or the metrics port)",
      "2:invalid settings or usage",
      "143/130:stopped by SIGTERM/SIGINT, after the sinks flushed"
    })
public final class CollectorCommand implements Callable<Integer> {
  static final int EXIT_START_FAILED = 1;
  static final int EXIT_INVALID_SETTINGS = 2;

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML settings file.")
  Path configFile;

  @Option(
      names = "--" + LISTEN,
      paramLabel = "ADDR",
      description = "Local address to receive on (repeatable; default all IPv4 and IPv6).")
  List<String> listen;

  @Option(
      names = "--" + GRE,
      negatable = true,
      description = "Receive raw GRE (default on; --no-gre turns it off).")
  Boolean gre;

  @Option(
      names = "--" + RECEIVE_METHOD,
      paramLabel = "ring|socket",
      description =
          "How raw GRE over IPv4 is read: a TPACKET_V3 ring with a kernel filter (default; falls"
              + " back to socket if it cannot be opened) or a raw IP socket. IPv6 always uses a raw"
              + " socket.")
  String receiveMethod;

  @Option(
      names = "--" + VXLAN_PORT,
      paramLabel = "N",
      description = "UDP port of VXLAN, 0 to disable (default 4789).")
  String vxlanPort;

  @Option(
      names = "--" + GRE_IN_UDP_PORT,
      paramLabel = "N",
      description = "UDP port of GRE-in-UDP, 0 to disable (default 4754).")
  String greInUdpPort;

  @Option(
      names = "--" + ALLOW,
      paramLabel = "CIDR",
      description = "Accepted tunnel source prefix (repeatable; default any).")
  List<String> allow;

  @Option(
      names = "--" + ALLOW_SESSION,
      paramLabel = "N|N-M",
      description =
          "Accepted ERSPAN session id, VXLAN VNI or GRE key, or a range (repeatable; default any).")
  List<String> allowSession;

  @Option(
      names = "--" + FILES,
      negatable = true,
      description = "Write capture files (default on; --no-files turns it off).")
  Boolean files;

  @Option(
      names = {"-w", "--" + OUTPUT_DIR},
      paramLabel = "DIR",
      description = "Directory of the capture files (default captures).")
  String outputDir;

  @Option(
      names = "--" + FORMAT,
      paramLabel = "pcapng|pcap",
      description = "Capture file format (default pcapng).")
  String format;

  @Option(
      names = {"-C", "--" + ROTATE_SIZE_MB},
      paramLabel = "MB",
      description = "Start a new file past this size (0: never).")
  String rotateSizeMb;

  @Option(
      names = {"-G", "--" + ROTATE_SECONDS},
      paramLabel = "SECONDS",
      description = "Start a new file after this long (0: never).")
  String rotateSeconds;

  @Option(
      names = {"-W", "--" + RING_FILES},
      paramLabel = "N",
      description = "Keep only the last N files (0: keep all).")
  String ringFiles;

  @Option(
      names = "--" + PER_SOURCE_FILES,
      negatable = true,
      description = "One file series per tunnel source.")
  Boolean perSourceFiles;

  @Option(
      names = "--" + MIRROR_NIC,
      paramLabel = "IF",
      description = "Re-emit every frame on this interface (transmit only).")
  String mirrorNic;

  @Option(
      names = "--" + MIRROR_SPEED_MBPS,
      paramLabel = "N",
      description = "Police the mirror NIC to this rate instead of its link speed.")
  String mirrorSpeedMbps;

  @Option(
      names = "--" + FORCE,
      negatable = true,
      description = "Accept a mirror NIC that carries IP addresses.")
  Boolean force;

  @Option(
      names = "--" + MERGE_WINDOW_MS,
      paramLabel = "N",
      description = "How long frames wait for earlier-captured ones (default 20).")
  String mergeWindowMs;

  @Option(
      names = "--" + LATE_POLICY,
      paramLabel = "deliver|drop",
      description = "What to do with frames older than the merge output (default deliver).")
  String latePolicy;

  @Option(
      names = "--" + DEDUP,
      negatable = true,
      description = "Deliver once a packet mirrored at two capture points.")
  Boolean dedup;

  @Option(
      names = "--" + METRICS_ADDRESS,
      paramLabel = "ADDR",
      description = "Address of the metrics endpoint (default all).")
  String metricsAddress;

  @Option(
      names = "--" + METRICS_PORT,
      paramLabel = "N",
      description = "Port of /metrics, /healthz, /readyz (default 9460).")
  String metricsPort;

  @Option(
      names = "--" + QUEUE_FRAMES,
      paramLabel = "N",
      description =
          "Bound of each queue between stages and of the frame pool, in frames (default 65536);"
              + " each sink's queue takes half.")
  String queueFrames;

  @Option(
      names = "--" + MAX_STREAMS,
      paramLabel = "N",
      description = "Bound of the stream table (default 4096).")
  String maxStreams;

  @Option(
      names = "--" + STREAM_IDLE_SECONDS,
      paramLabel = "N",
      description = "Forget a stream after this long without frames (default 300).")
  String streamIdleSeconds;

  @Option(
      names = "--" + GRPC_PORT,
      paramLabel = "N",
      description =
          "Port of the gRPC control plane (agents, admin, tap), 0 to disable (default 7460).")
  String grpcPort;

  @Option(
      names = "--" + GRPC_ADDRESS,
      paramLabel = "ADDR",
      description = "Address of the gRPC control plane (default all).")
  String grpcAddress;

  @Option(
      names = "--" + TLS_CERT,
      paramLabel = "PEM",
      description = "Server certificate chain; with --tls-key turns TLS on (reloaded on change).")
  String tlsCert;

  @Option(names = "--" + TLS_KEY, paramLabel = "PEM", description = "Server private key (PKCS#8).")
  String tlsKey;

  @Option(
      names = "--" + TLS_CA,
      paramLabel = "PEM",
      description = "CA bundle of client certificates: every client must present one (mTLS).")
  String tlsCa;

  @Option(
      names = "--" + ADMIN_CA,
      paramLabel = "PEM",
      description = "Only clients with a certificate from this CA may call AdminService.")
  String adminCa;

  @Option(
      names = "--" + ADMIN_CLIENT_CN,
      paramLabel = "CN",
      description = "Only clients with this certificate CN may call AdminService (repeatable).")
  List<String> adminClientCn;

  @Option(
      names = "--" + REPORT_INTERVAL_SECONDS,
      paramLabel = "N",
      description = "Interval of agents' stats reports (default 10); 3 missed: disconnected.")
  String reportIntervalSeconds;

  private final SinkFactory sinkFactory;

  /** The command with the sinks the configuration selects. */
  public CollectorCommand() {
    this(DefaultSinks::create);
  }

  /** The command with other sinks (tests). */
  public CollectorCommand(SinkFactory sinkFactory) {
    this.sinkFactory = sinkFactory;
  }

  /** The flags given on the command line, by setting key, for {@link LayeredSettings}. */
  Map<String, List<String>> flags() {
    Map<String, List<String>> flags = new LinkedHashMap<>();
    putAll(flags, LISTEN, listen);
    put(flags, GRE, gre);
    put(flags, RECEIVE_METHOD, receiveMethod);
    put(flags, VXLAN_PORT, vxlanPort);
    put(flags, GRE_IN_UDP_PORT, greInUdpPort);
    putAll(flags, ALLOW, allow);
    putAll(flags, ALLOW_SESSION, allowSession);
    put(flags, FILES, files);
    put(flags, OUTPUT_DIR, outputDir);
    put(flags, FORMAT, format);
    put(flags, ROTATE_SIZE_MB, rotateSizeMb);
    put(flags, ROTATE_SECONDS, rotateSeconds);
    put(flags, RING_FILES, ringFiles);
    put(flags, PER_SOURCE_FILES, perSourceFiles);
    put(flags, MIRROR_NIC, mirrorNic);
    put(flags, MIRROR_SPEED_MBPS, mirrorSpeedMbps);
    put(flags, FORCE, force);
    put(flags, MERGE_WINDOW_MS, mergeWindowMs);
    put(flags, LATE_POLICY, latePolicy);
    put(flags, DEDUP, dedup);
    put(flags, METRICS_ADDRESS, metricsAddress);
    put(flags, METRICS_PORT, metricsPort);
    put(flags, QUEUE_FRAMES, queueFrames);
    put(flags, MAX_STREAMS, maxStreams);
    put(flags, STREAM_IDLE_SECONDS, streamIdleSeconds);
    put(flags, GRPC_PORT, grpcPort);
    put(flags, GRPC_ADDRESS, grpcAddress);
    put(flags, TLS_CERT, tlsCert);
    put(flags, TLS_KEY, tlsKey);
    put(flags, TLS_CA, tlsCa);
    put(flags, ADMIN_CA, adminCa);
    putAll(flags, ADMIN_CLIENT_CN, adminClientCn);
    put(flags, REPORT_INTERVAL_SECONDS, reportIntervalSeconds);
    return flags;
  }

  /** The validated configuration from the file, the environment and the flags. */
  CollectorConfig loadConfig(Map<String, String> environment) {
    Map<String, List<String>> file =
        configFile == null ? Map.of() : YamlSettingsFile.load(configFile);
    String fileName = configFile == null ? "no config file" : configFile.toString();
    return CollectorConfigLoader.load(
        new LayeredSettings(flags(), environment, ENVIRONMENT_PREFIX, file, fileName));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    CollectorConfig config;
    try {
      config = loadConfig(System.getenv());
    } catch (SettingsException e) {
      err.println("collector: " + e.getMessage().replace('\n', ' '));
      return EXIT_INVALID_SETTINGS;
    }
    Collector collector;
    try {
      collector = Collector.start(config, new PrometheusRegistry(), sinkFactory, true);
    } catch (SettingsException e) {
      err.println("collector: " + e.getMessage().replace('\n', ' '));
      return EXIT_INVALID_SETTINGS;
    } catch (Exception e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      // Run as a non-root user: name the capability the refused call needs.
      message =
          PermissionHint.withHint(
              message,
              message.startsWith("mirror-nic")
                  ? "CAP_NET_ADMIN to prepare the mirror NIC"
                  : "CAP_NET_RAW for raw GRE and packet sockets");
      err.println("collector: cannot start: " + message.replace('\n', ' '));
      return EXIT_START_FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        Thread.ofPlatform()
            .name("collector-shutdown")
            .unstarted(
                () -> {
                  collector.close();
                  stopped.countDown();
                });
    Runtime.getRuntime().addShutdownHook(hook);
    err.println(
        "collector: receiving (gre "
            + (config.greEnabled() ? "on" : "off")
            + ", vxlan port "
            + config.vxlanPort()
            + ", gre-in-udp port "
            + config.greInUdpPort()
            + "), metrics on port "
            + collector.metricsPort()
            + ", gRPC on port "
            + (collector.controlPlane() == null ? "off" : collector.controlPlane().port())
            + (config.control().tls() ? " (TLS)" : ""));
    err.flush();
    stopped.await();
    return 0;
  }

  private static void put(Map<String, List<String>> flags, String key, Object value) {
    if (value != null) {
      flags.put(key, List.of(value.toString()));
    }
  }

  private static void putAll(Map<String, List<String>> flags, String key, List<String> values) {
    if (values != null && !values.isEmpty()) {
      flags.put(key, List.copyOf(values));
    }
  }
}

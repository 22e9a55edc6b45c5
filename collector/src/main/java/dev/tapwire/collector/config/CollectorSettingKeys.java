package dev.tapwire.collector.config;

import java.util.Set;

/** Every collector setting key, once: YAML key = long flag = {@code TAPWIRE_COLLECTOR_<KEY>}. */
public final class CollectorSettingKeys {
  public static final String ENVIRONMENT_PREFIX = "TAPWIRE_COLLECTOR_";

  public static final String LISTEN = "listen";
  public static final String GRE = "gre";
  public static final String VXLAN_PORT = "vxlan-port";
  public static final String GRE_IN_UDP_PORT = "gre-in-udp-port";
  public static final String ALLOW = "allow";
  public static final String FILES = "files";
  public static final String OUTPUT_DIR = "output-dir";
  public static final String FORMAT = "format";
  public static final String ROTATE_SIZE_MB = "rotate-size-mb";
  public static final String ROTATE_SECONDS = "rotate-seconds";
  public static final String RING_FILES = "ring-files";
  public static final String PER_SOURCE_FILES = "per-source-files";
  public static final String MIRROR_NIC = "mirror-nic";
  public static final String MIRROR_SPEED_MBPS = "mirror-speed-mbps";
  public static final String FORCE = "force";
  public static final String MERGE_WINDOW_MS = "merge-window-ms";
  public static final String LATE_POLICY = "late-policy";
  public static final String DEDUP = "dedup";
  public static final String METRICS_ADDRESS = "metrics-address";
  public static final String METRICS_PORT = "metrics-port";
  public static final String QUEUE_FRAMES = "queue-frames";
  public static final String MAX_STREAMS = "max-streams";
  public static final String STREAM_IDLE_SECONDS = "stream-idle-seconds";

  public static final String GRPC_PORT = "grpc-port";
  public static final String GRPC_ADDRESS = "grpc-address";
  public static final String TLS_CERT = "tls-cert";
  public static final String TLS_KEY = "tls-key";
  public static final String TLS_CA = "tls-ca";

  public static final Set<String> ALL =
      Set.of(
          LISTEN,
          GRE,
          VXLAN_PORT,
          GRE_IN_UDP_PORT,
          ALLOW,
          FILES,
          OUTPUT_DIR,
          FORMAT,
          ROTATE_SIZE_MB,
          ROTATE_SECONDS,
          RING_FILES,
          PER_SOURCE_FILES,
          MIRROR_NIC,
          MIRROR_SPEED_MBPS,
          FORCE,
          MERGE_WINDOW_MS,
          LATE_POLICY,
          DEDUP,
          METRICS_ADDRESS,
          METRICS_PORT,
          QUEUE_FRAMES,
          MAX_STREAMS,
          STREAM_IDLE_SECONDS,
          GRPC_PORT,
          GRPC_ADDRESS,
          TLS_CERT,
          TLS_KEY,
          TLS_CA);

  private CollectorSettingKeys() {}
}

package dev.tapwire.agent.config;

import java.util.Set;

/** Every agent setting key, once: YAML key = long flag = {@code TAPWIRE_AGENT_<KEY>}. */
public final class AgentSettingKeys {
  public static final String ENVIRONMENT_PREFIX = "TAPWIRE_AGENT_";

  public static final String INTERFACE = "interface";
  public static final String COLLECTOR = "collector";
  public static final String FILTER = "filter";
  public static final String SNAPLEN = "snaplen";
  public static final String PROMISCUOUS = "promiscuous";
  public static final String BUFFER_KIB = "buffer-kib";
  public static final String ENCAP = "encap";
  public static final String SESSION_ID = "session-id";
  public static final String SAMPLE = "sample";
  public static final String RATE_LIMIT_MBPS = "rate-limit-mbps";
  public static final String RATE_LIMIT_PPS = "rate-limit-pps";
  public static final String VXLAN_PORT = "vxlan-port";
  public static final String SOURCE = "source";
  public static final String PATH_MTU = "path-mtu";
  public static final String OVERSIZE = "oversize";
  public static final String QUEUE_FRAMES = "queue-frames";
  public static final String METRICS_ADDRESS = "metrics-address";
  public static final String METRICS_PORT = "metrics-port";
  public static final String DIRECTION = "direction";
  public static final String IMMEDIATE_MODE = "immediate-mode";
  public static final String SEND_METHOD = "send-method";

  /** false (flag {@code --no-control}) runs the agent on its local settings only. */
  public static final String CONTROL = "control";

  public static final String CONTROL_PORT = "control-port";
  public static final String TLS_CERT = "tls-cert";
  public static final String TLS_KEY = "tls-key";
  public static final String TLS_CA = "tls-ca";
  public static final String LABEL = "label";

  public static final Set<String> ALL =
      Set.of(
          INTERFACE,
          COLLECTOR,
          FILTER,
          SNAPLEN,
          PROMISCUOUS,
          BUFFER_KIB,
          ENCAP,
          SESSION_ID,
          SAMPLE,
          RATE_LIMIT_MBPS,
          RATE_LIMIT_PPS,
          VXLAN_PORT,
          SOURCE,
          PATH_MTU,
          OVERSIZE,
          QUEUE_FRAMES,
          METRICS_ADDRESS,
          METRICS_PORT,
          DIRECTION,
          IMMEDIATE_MODE,
          SEND_METHOD,
          CONTROL,
          CONTROL_PORT,
          TLS_CERT,
          TLS_KEY,
          TLS_CA,
          LABEL);

  private AgentSettingKeys() {}
}

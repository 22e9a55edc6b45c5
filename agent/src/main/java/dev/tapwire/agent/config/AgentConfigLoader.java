package dev.tapwire.agent.config;

import static dev.tapwire.agent.config.AgentSettingKeys.*;

import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.runtime.config.NumericAddress;
import dev.tapwire.runtime.config.SettingValue;
import dev.tapwire.runtime.config.SettingsException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds an {@link AgentConfig} from layered settings, failing fast on any bad value. */
public final class AgentConfigLoader {
  public static final int DEFAULT_SNAPLEN = 65_535;

  /** Absorbs a 100 ms burst at 1 Mpps of small frames (about 128 bytes each in the ring). */
  public static final int DEFAULT_BUFFER_KIB = 32 * 1024;

  public static final int DEFAULT_METRICS_PORT = 9461;
  public static final int DEFAULT_VXLAN_PORT = 4789;

  /** The collector's gRPC port (data and control). */
  public static final int DEFAULT_GRPC_PORT = 7460;

  /**
   * Frames between capture and send per interface: about 50 ms at 300k frames/s. The kernel buffer
   * absorbs longer bursts; the hand-off only smooths the two threads' scheduling.
   */
  public static final int DEFAULT_QUEUE_FRAMES = 16_384;

  private AgentConfigLoader() {}

  public static AgentConfig load(LayeredSettings settings) {
    settings.rejectUnknownFileKeys(ALL);
    List<String> interfaces = new ArrayList<>();
    for (SettingValue value : settings.values(INTERFACE)) {
      String name = value.text().strip();
      if (name.isEmpty() || name.length() > 15 || !name.matches("[A-Za-z0-9_.:@-]+")) {
        throw value.invalid("expected a network interface name");
      }
      if (interfaces.contains(name)) {
        throw value.invalid("interface given twice");
      }
      interfaces.add(name);
    }
    if (interfaces.isEmpty()) {
      throw new SettingsException("missing setting interface: give at least one -i IFACE");
    }
    String collector =
        settings
            .value(COLLECTOR)
            .map(SettingValue::text)
            .map(String::strip)
            .orElseThrow(
                () -> new SettingsException("missing setting collector: give --collector HOST"));
    if (collector.isEmpty()) {
      throw new SettingsException(
          "invalid setting collector = '': expected a host name or address");
    }
    String encap =
        settings.choice(ENCAP, "erspan3", List.of("erspan3", "erspan2", "teb", "vxlan", "grpc"));
    int collectorPort = 0;
    if (encap.equals("grpc")) {
      HostPort hostPort = HostPort.parse(collector, DEFAULT_GRPC_PORT);
      collector = hostPort.host();
      collectorPort = hostPort.port();
    }
    int sessionId = settings.intInRange(SESSION_ID, -1, 0, 1023);
    if (sessionId >= 0 && sessionId + interfaces.size() > 1024) {
      throw new SettingsException(
          "invalid setting session-id = "
              + sessionId
              + ": with "
              + interfaces.size()
              + " interfaces the ids would pass 1023");
    }
    int snapLen = settings.intInRange(SNAPLEN, DEFAULT_SNAPLEN, 64, 262_144);
    int pathMtu = settings.intInRange(PATH_MTU, 1500, 576, 65_535);
    return new AgentConfig(
        List.copyOf(interfaces),
        collector,
        settings.string(FILTER, "").strip(),
        snapLen,
        settings.flag(PROMISCUOUS, true),
        Math.multiplyExact(settings.intInRange(BUFFER_KIB, DEFAULT_BUFFER_KIB, 64, 4 << 20), 1024),
        AgentEncapsulation.valueOf(encap.toUpperCase(Locale.ROOT)),
        sessionId,
        settings.intInRange(SAMPLE, 1, 1, 1 << 30),
        settings.longInRange(RATE_LIMIT_MBPS, 0, 0, 1_000_000) * 1_000_000L,
        settings.longInRange(RATE_LIMIT_PPS, 0, 0, 1_000_000_000L),
        settings.intInRange(VXLAN_PORT, DEFAULT_VXLAN_PORT, 1, 65_535),
        settings.value(SOURCE).map(AgentConfigLoader::numericAddress).orElse(null),
        pathMtu,
        settings.choice(OVERSIZE, "truncate", List.of("truncate", "fragment")).equals("truncate"),
        settings.intInRange(QUEUE_FRAMES, DEFAULT_QUEUE_FRAMES, 64, 1 << 20),
        settings.value(METRICS_ADDRESS).map(AgentConfigLoader::numericAddress).orElse(null),
        settings.intInRange(METRICS_PORT, DEFAULT_METRICS_PORT, 0, 65_535),
        CaptureDirection.valueOf(
            settings
                .choice(DIRECTION, "inout", List.of("in", "out", "inout"))
                .toUpperCase(Locale.ROOT)),
        settings.flag(IMMEDIATE_MODE, true),
        collectorPort,
        new AgentConfig.TlsFiles(
            path(settings, TLS_CERT), path(settings, TLS_KEY), path(settings, TLS_CA)),
        SendMethod.valueOf(
            settings
                .choice(SEND_METHOD, "ring", List.of("ring", "socket"))
                .toUpperCase(Locale.ROOT)),
        ControlConfigLoader.load(settings));
  }

  private static Path path(LayeredSettings settings, String key) {
    return settings
        .value(key)
        .map(v -> v.text().strip())
        .filter(t -> !t.isEmpty())
        .map(Path::of)
        .orElse(null);
  }

  private static InetAddress numericAddress(SettingValue value) {
    try {
      return NumericAddress.parse(value.text().strip());
    } catch (IllegalArgumentException e) {
      throw value.invalid("expected a numeric IPv4 or IPv6 address");
    }
  }
}

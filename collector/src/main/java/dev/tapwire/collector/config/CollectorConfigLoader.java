package dev.tapwire.collector.config;

import static dev.tapwire.collector.config.CollectorSettingKeys.*;

import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.runtime.config.NumericAddress;
import dev.tapwire.runtime.config.SettingValue;
import dev.tapwire.runtime.config.SettingsException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Builds a {@link CollectorConfig} from layered settings, failing fast on any bad value. */
public final class CollectorConfigLoader {
  public static final int DEFAULT_VXLAN_PORT = 4789;
  public static final int DEFAULT_GRE_IN_UDP_PORT = 4754;
  public static final int DEFAULT_METRICS_PORT = 9460;
  public static final int DEFAULT_MERGE_WINDOW_MS = 20;
  public static final int DEFAULT_GRPC_PORT = 7460;

  private CollectorConfigLoader() {}

  public static CollectorConfig load(LayeredSettings settings) {
    settings.rejectUnknownFileKeys(ALL);
    List<InetAddress> listen = new ArrayList<>();
    for (SettingValue value : settings.values(LISTEN)) {
      listen.add(numericAddress(value));
    }
    if (listen.isEmpty()) {
      listen.add(anyAddress("0.0.0.0"));
      listen.add(anyAddress("::"));
    }
    List<Cidr> allow = new ArrayList<>();
    for (SettingValue value : settings.values(ALLOW)) {
      try {
        allow.add(Cidr.parse(value.text()));
      } catch (IllegalArgumentException e) {
        throw value.invalid(e.getMessage());
      }
    }
    List<SessionRange> sessions = new ArrayList<>();
    for (SettingValue value : settings.values(ALLOW_SESSION)) {
      try {
        sessions.add(SessionRange.parse(value.text()));
      } catch (IllegalArgumentException e) {
        throw value.invalid(e.getMessage());
      }
    }
    boolean gre = settings.flag(GRE, true);
    int vxlanPort = settings.intInRange(VXLAN_PORT, DEFAULT_VXLAN_PORT, 0, 65_535);
    int greInUdpPort = settings.intInRange(GRE_IN_UDP_PORT, DEFAULT_GRE_IN_UDP_PORT, 0, 65_535);
    if (vxlanPort != 0 && vxlanPort == greInUdpPort) {
      throw new SettingsException(
          "invalid settings "
              + VXLAN_PORT
              + " and "
              + GRE_IN_UDP_PORT
              + " are both "
              + vxlanPort
              + ": a UDP port carries one encapsulation");
    }
    if (!gre && vxlanPort == 0 && greInUdpPort == 0) {
      throw new SettingsException(
          "invalid settings: gre is off and vxlan-port and gre-in-udp-port are 0: nothing to"
              + " receive");
    }
    boolean files = settings.flag(FILES, true);
    String mirrorNic = settings.value(MIRROR_NIC).map(v -> checkInterfaceName(v)).orElse(null);
    if (!files && mirrorNic == null) {
      throw new SettingsException(
          "invalid settings: files is off and no mirror-nic is set: frames would go nowhere");
    }
    long rotateSizeMb = settings.longInRange(ROTATE_SIZE_MB, 0, 0, 1_000_000);
    long rotateSeconds = settings.longInRange(ROTATE_SECONDS, 0, 0, 31L * 24 * 3600);
    return new CollectorConfig(
        List.copyOf(listen),
        gre,
        settings.choice(RECEIVE_METHOD, "ring", List.of("ring", "socket")).equals("ring"),
        vxlanPort,
        greInUdpPort,
        new SourceAllowlist(allow),
        files,
        Path.of(settings.string(OUTPUT_DIR, "captures")),
        settings.choice(FORMAT, "pcapng", List.of("pcapng", "pcap")),
        rotateSizeMb * 1_000_000L,
        TimeUnit.SECONDS.toNanos(rotateSeconds),
        settings.intInRange(RING_FILES, 0, 0, 1_000_000),
        settings.flag(PER_SOURCE_FILES, false),
        mirrorNic,
        settings.longInRange(MIRROR_SPEED_MBPS, 0, 0, 1_000_000) * 1_000_000L,
        settings.flag(FORCE, false),
        TimeUnit.MILLISECONDS.toNanos(
            settings.intInRange(MERGE_WINDOW_MS, DEFAULT_MERGE_WINDOW_MS, 0, 10_000)),
        settings.choice(LATE_POLICY, "deliver", List.of("deliver", "drop")).equals("deliver"),
        settings.flag(DEDUP, false),
        settings.value(METRICS_ADDRESS).map(CollectorConfigLoader::numericAddress).orElse(null),
        settings.intInRange(METRICS_PORT, DEFAULT_METRICS_PORT, 0, 65_535),
        settings.intInRange(QUEUE_FRAMES, 65_536, 1_024, 1 << 24),
        settings.intInRange(MAX_STREAMS, 4_096, 1, 1 << 20),
        TimeUnit.SECONDS.toNanos(settings.intInRange(STREAM_IDLE_SECONDS, 300, 1, 86_400)),
        new SessionAllowlist(sessions),
        control(settings));
  }

  private static ControlServerSettings control(LayeredSettings settings) {
    Path cert = settings.value(TLS_CERT).map(CollectorConfigLoader::pemFile).orElse(null);
    Path key = settings.value(TLS_KEY).map(CollectorConfigLoader::pemFile).orElse(null);
    Path ca = settings.value(TLS_CA).map(CollectorConfigLoader::pemFile).orElse(null);
    Path adminCa = settings.value(ADMIN_CA).map(CollectorConfigLoader::pemFile).orElse(null);
    List<String> adminCns = new ArrayList<>();
    for (SettingValue value : settings.values(ADMIN_CLIENT_CN)) {
      adminCns.add(value.text().strip());
    }
    if ((cert == null) != (key == null)) {
      throw new SettingsException(
          "invalid settings: " + TLS_CERT + " and " + TLS_KEY + " go together (set both or none)");
    }
    if (cert == null && (ca != null || adminCa != null || !adminCns.isEmpty())) {
      throw new SettingsException(
          "invalid settings: "
              + TLS_CA
              + ", "
              + ADMIN_CA
              + " and "
              + ADMIN_CLIENT_CN
              + " need TLS ("
              + TLS_CERT
              + " and "
              + TLS_KEY
              + ")");
    }
    if (ca == null && (adminCa != null || !adminCns.isEmpty())) {
      throw new SettingsException(
          "invalid settings: "
              + ADMIN_CA
              + " and "
              + ADMIN_CLIENT_CN
              + " restrict client certificates and need "
              + TLS_CA
              + " (mutual TLS)");
    }
    return new ControlServerSettings(
        settings.value(GRPC_ADDRESS).map(CollectorConfigLoader::numericAddress).orElse(null),
        settings.intInRange(GRPC_PORT, DEFAULT_GRPC_PORT, 0, 65_535),
        cert,
        key,
        ca,
        adminCa,
        List.copyOf(adminCns),
        TimeUnit.SECONDS.toNanos(settings.intInRange(REPORT_INTERVAL_SECONDS, 10, 1, 3_600)));
  }

  /**
   * A PEM file's path; the file is read (and a missing or bad one named) when the control plane
   * starts, so that a configuration can be checked on a machine without the certificates.
   */
  private static Path pemFile(SettingValue value) {
    String text = value.text().strip();
    if (text.isEmpty()) {
      throw value.invalid("expected the path of a PEM file");
    }
    return Path.of(text);
  }

  private static String checkInterfaceName(SettingValue value) {
    String name = value.text().strip();
    // Linux IFNAMSIZ is 16 including the terminating NUL.
    if (name.isEmpty() || name.length() > 15 || !name.matches("[A-Za-z0-9_.:@-]+")) {
      throw value.invalid("expected a network interface name");
    }
    return name;
  }

  private static InetAddress numericAddress(SettingValue value) {
    try {
      return NumericAddress.parse(value.text().strip());
    } catch (IllegalArgumentException e) {
      throw value.invalid("expected a numeric IPv4 or IPv6 address");
    }
  }

  private static InetAddress anyAddress(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.tapwire.agent.control;

import dev.tapwire.agent.capture.HostInterfaces;
import dev.tapwire.netio.ErrnoException;
import dev.tapwire.netio.IpFamily;
import dev.tapwire.netio.RawIpSocket;
import dev.tapwire.proto.v1.AgentCapabilities;
import dev.tapwire.proto.v1.Encapsulation;
import dev.tapwire.proto.v1.InterfaceInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the agent tells the collector about its host at registration: name, interfaces and
 * capabilities. Read in the calling thread's network namespace (the agent's).
 */
public final class HostDescription {
  /** The encapsulations this agent sends. */
  static final List<Encapsulation> ENCAPSULATIONS =
      List.of(
          Encapsulation.ENCAPSULATION_ERSPAN_II,
          Encapsulation.ENCAPSULATION_ERSPAN_III,
          Encapsulation.ENCAPSULATION_TEB,
          Encapsulation.ENCAPSULATION_VXLAN);

  private HostDescription() {}

  /** The host name the kernel reports (the UTS namespace's), else Java's idea of it. */
  public static String hostName() {
    try {
      String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: ask Java below.
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Every interface of the calling thread's network namespace, by index. */
  public static List<InterfaceInfo> interfaces() {
    return HostInterfaces.list();
  }

  /** What this agent can do here; raw sockets are tried, not assumed. */
  public static AgentCapabilities capabilities(boolean nanosecondTimestamps) {
    boolean raw4 = canOpenRawGre(IpFamily.IPV4);
    return AgentCapabilities.newBuilder()
        .setRawGreIpv4(raw4)
        .setRawGreIpv6(canOpenRawGre(IpFamily.IPV6))
        // libpcap captures through AF_PACKET on Linux, with the same privilege as raw sockets.
        .setAfPacket(raw4 && System.getProperty("os.name", "").equals("Linux"))
        .setNanosecondTimestamps(nanosecondTimestamps)
        .addAllEncapsulations(ENCAPSULATIONS)
        .setOsName(System.getProperty("os.name", ""))
        .setOsRelease(System.getProperty("os.version", ""))
        .build();
  }

  private static boolean canOpenRawGre(IpFamily family) {
    try {
      RawIpSocket.openGre(family).close();
      return true;
    } catch (ErrnoException | RuntimeException e) {
      return false;
    }
  }

  /** The agent's version from the jar manifest, or "development" when run from classes. */
  public static String agentVersion() {
    String version = HostDescription.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }
}

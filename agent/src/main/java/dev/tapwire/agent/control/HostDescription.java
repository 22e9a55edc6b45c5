package dev.tapwire.agent.control;

import com.google.protobuf.ByteString;
import dev.tapwire.netio.ErrnoException;
import dev.tapwire.netio.IpFamily;
import dev.tapwire.netio.RawIpSocket;
import dev.tapwire.proto.v1.AgentCapabilities;
import dev.tapwire.proto.v1.Encapsulation;
import dev.tapwire.proto.v1.InterfaceInfo;
import dev.tapwire.proto.v1.LinkType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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

  /** Every interface of the namespace, by index. */
  public static List<InterfaceInfo> interfaces() {
    List<InterfaceInfo> result = new ArrayList<>();
    try {
      List<NetworkInterface> all =
          NetworkInterface.networkInterfaces()
              .sorted(Comparator.comparingInt(NetworkInterface::getIndex))
              .toList();
      for (NetworkInterface nic : all) {
        result.add(describe(nic));
      }
    } catch (SocketException e) {
      // No interface list: the collector sees none, the captured ones still work.
    }
    return result;
  }

  static InterfaceInfo describe(NetworkInterface nic) throws SocketException {
    InterfaceInfo.Builder info =
        InterfaceInfo.newBuilder()
            .setName(nic.getName())
            .setInterfaceIndex(Math.max(0, nic.getIndex()))
            .setMtuBytes(Math.max(0, nic.getMTU()))
            .setLinkSpeedBitsPerSecond(speedBitsPerSecond(nic.getName()));
    byte[] mac = nic.getHardwareAddress();
    boolean ethernet = mac != null && mac.length == 6;
    if (mac != null) {
      info.setMacAddress(ByteString.copyFrom(mac));
    }
    // Linux captures its loopback as Ethernet too (DLT_EN10MB, zero addresses).
    if (ethernet || nic.isLoopback()) {
      info.setLinkType(LinkType.LINK_TYPE_ETHERNET);
    } else if (nic.isPointToPoint()) {
      info.setLinkType(LinkType.LINK_TYPE_RAW);
    }
    info.setPromiscuousCapable(ethernet);
    for (InterfaceAddress address : nic.getInterfaceAddresses()) {
      String text = address.getAddress().getHostAddress();
      int zone = text.indexOf('%');
      if (zone >= 0) {
        text = text.substring(0, zone);
      }
      info.addAddresses(text + "/" + address.getNetworkPrefixLength());
    }
    return info.build();
  }

  /** From sysfs, in Mbit/s there; 0 when unknown (virtual links report -1 or nothing). */
  static long speedBitsPerSecond(String name) {
    try {
      long mbps =
          Long.parseLong(Files.readString(Path.of("/sys/class/net", name, "speed")).strip());
      return mbps > 0 ? mbps * 1_000_000L : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
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

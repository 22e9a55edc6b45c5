package dev.tapwire.agent.capture;

import dev.tapwire.netio.ErrnoException;
import dev.tapwire.netio.LinkInfo;
import dev.tapwire.netio.Links;
import dev.tapwire.proto.v1.InterfaceInfo;
import dev.tapwire.proto.v1.LinkType;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import org.pcap4j.util.LinkLayerAddress;

/**
 * The interfaces the agent could capture on, as libpcap lists them ({@code pcap_findalldevs}:
 * netlink and {@code getifaddrs}, so the calling thread's network namespace) with index, MTU and
 * speed from {@link Links}. Java's {@code NetworkInterface} is not used: it reads {@code
 * /proc/net}, which shows the main thread's namespace, and misses interfaces without an IPv4
 * address.
 */
public final class HostInterfaces {
  static {
    LibpcapLibrary.configurePcap4j();
  }

  private HostInterfaces() {}

  /** Every capturable interface with an index (pseudo-devices such as "any" are left out). */
  public static List<InterfaceInfo> list() {
    List<InterfaceInfo> result = new ArrayList<>();
    List<PcapNetworkInterface> devices;
    try {
      devices = Pcaps.findAllDevs();
    } catch (PcapNativeException e) {
      return result;
    }
    for (PcapNetworkInterface device : devices) {
      LinkInfo link;
      try {
        link = Links.get(device.getName());
      } catch (ErrnoException | IllegalArgumentException e) {
        continue;
      }
      result.add(describe(device, link));
    }
    result.sort(Comparator.comparingInt(InterfaceInfo::getInterfaceIndex));
    return result;
  }

  private static InterfaceInfo describe(PcapNetworkInterface device, LinkInfo link) {
    InterfaceInfo.Builder info =
        InterfaceInfo.newBuilder()
            .setName(device.getName())
            .setInterfaceIndex(link.index())
            .setMtuBytes(Math.max(0, link.mtu()))
            .setLinkSpeedBitsPerSecond(link.speedMbps() > 0 ? link.speedMbps() * 1_000_000L : 0);
    byte[] mac = null;
    for (LinkLayerAddress address : device.getLinkLayerAddresses()) {
      mac = address.getAddress();
    }
    boolean ethernet = mac != null && mac.length == 6;
    if (mac != null && mac.length > 0) {
      info.setMacAddress(com.google.protobuf.ByteString.copyFrom(mac));
    }
    // Linux captures its loopback as Ethernet too (DLT_EN10MB with zero addresses).
    if (ethernet || device.isLoopBack()) {
      info.setLinkType(LinkType.LINK_TYPE_ETHERNET);
    } else {
      info.setLinkType(LinkType.LINK_TYPE_RAW);
    }
    info.setPromiscuousCapable(ethernet && !device.isLoopBack());
    for (PcapAddress address : device.getAddresses()) {
      InetAddress ip = address.getAddress();
      if (ip == null) {
        continue;
      }
      String text = ip.getHostAddress();
      int zone = text.indexOf('%');
      if (zone >= 0) {
        text = text.substring(0, zone);
      }
      info.addAddresses(text + "/" + prefixLength(address.getNetmask()));
    }
    return info.build();
  }

  private static int prefixLength(InetAddress netmask) {
    if (netmask == null) {
      return 0;
    }
    int bits = 0;
    for (byte b : netmask.getAddress()) {
      bits += Integer.bitCount(b & 0xff);
    }
    return bits;
  }
}

package dev.tapwire.collector.sink.mirror;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frames of every kind a mirror port must pass untouched, the control-plane ones included: ARP, STP
 * BPDU (802.3 length + LLC), LLDP, 802.1Q-tagged IPv4, IPv6, a jumbo frame. Addresses come from the
 * test ranges; MACs are locally administered.
 */
final class MirrorTestFrames {
  static final String SRC_MAC = "02:00:5e:10:00:01";
  static final String DST_MAC = "02:00:5e:10:00:02";

  private MirrorTestFrames() {}

  static Map<String, byte[]> everyKind(boolean jumbo) {
    Map<String, byte[]> frames = new LinkedHashMap<>();
    frames.put("arp request (42 bytes, no padding)", arpRequest());
    frames.put("stp bpdu", stpBpdu());
    frames.put("lldp", lldp());
    frames.put("802.1q vlan 100 ipv4/udp", vlanIpv4Udp());
    frames.put("ipv6 icmpv6 echo", ipv6Echo());
    frames.put("ipv4 multicast", ipv4Multicast());
    if (jumbo) {
      frames.put("jumbo 9014 bytes", jumbo(9014));
    }
    return frames;
  }

  static byte[] arpRequest() {
    return hex(
        "ffffffffffff"
            + mac(SRC_MAC)
            + "0806"
            + "0001"
            + "0800"
            + "06"
            + "04"
            + "0001"
            + mac(SRC_MAC)
            + "c6120501"
            + "000000000000"
            + "c6120502");
  }

  static byte[] stpBpdu() {
    String llc = "424203";
    String bpdu =
        "0000"
            + "00"
            + "00"
            + "00" // protocol, version, config BPDU, flags
            + "8000"
            + mac(SRC_MAC) // root id
            + "00000000" // root path cost
            + "8000"
            + mac(SRC_MAC) // bridge id
            + "8001" // port id
            + "0000"
            + "1400"
            + "0200"
            + "0f00"; // ages, hello, forward delay
    int length = (llc.length() + bpdu.length()) / 2;
    return hex("0180c2000000" + mac(SRC_MAC) + String.format("%04x", length) + llc + bpdu);
  }

  static byte[] lldp() {
    String chassis = "0207" + "04" + mac(SRC_MAC); // type 1, len 7, subtype MAC
    String port = "0405" + "07" + "74777031"; // type 2, len 5, local "twp1"
    String ttl = "0602" + "0078"; // type 3, 120 s
    String end = "0000";
    return hex("0180c200000e" + mac(SRC_MAC) + "88cc" + chassis + port + ttl + end);
  }

  static byte[] vlanIpv4Udp() {
    String ipv4 =
        "4500001c" + "00010000" + "4011" + "0000" + "c6120601" + "c6120602"; // 198.18.6.1 -> .2
    String udp = "3039" + "3039" + "0008" + "0000";
    return hex(mac(DST_MAC) + mac(SRC_MAC) + "8100" + "0064" + "0800" + ipv4 + udp);
  }

  static byte[] ipv6Echo() {
    String src = "20010db8000000000000000000000001";
    String dst = "20010db8000000000000000000000002";
    String icmp = "8000" + "0000" + "1234" + "0001" + "74617077";
    String ipv6 = "60000000" + String.format("%04x", icmp.length() / 2) + "3a40" + src + dst;
    return hex(mac(DST_MAC) + mac(SRC_MAC) + "86dd" + ipv6 + icmp);
  }

  static byte[] ipv4Multicast() {
    String ipv4 =
        "4500001c" + "00020000" + "0111" + "0000" + "c6120601" + "e0000101"; // to 224.0.1.1
    String udp = "3039" + "3039" + "0008" + "0000";
    return hex("01005e000101" + mac(SRC_MAC) + "0800" + ipv4 + udp);
  }

  static byte[] jumbo(int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(hex(mac(DST_MAC) + mac(SRC_MAC) + "88b5"));
    for (int i = out.size(); i < length; i++) {
      out.write(i * 7);
    }
    return out.toByteArray();
  }

  /** An Ethernet frame of {@code length} bytes from source MAC {@code 02:00:5e:20:00:SS}. */
  static byte[] fromSource(int source, int length, int sequence) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(hex(mac(DST_MAC) + String.format("02005e2000%02x", source) + "88b5"));
    out.writeBytes(hex(String.format("%08x", sequence)));
    for (int i = out.size(); i < length; i++) {
      out.write(i);
    }
    return out.toByteArray();
  }

  /** The source number {@link #fromSource} put in the frame. */
  static int sourceOf(byte[] frame) {
    return frame[11] & 0xff;
  }

  private static String mac(String mac) {
    return mac.replace(":", "");
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }
}

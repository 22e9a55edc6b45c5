package dev.tapwire.agent;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Ethernet frames of every kind a mirror must carry, byte for byte known. */
public final class TestFrames {
  static final byte[] SOURCE_MAC = mac("02:00:00:00:00:01");
  static final byte[] DESTINATION_MAC = mac("02:00:00:00:00:02");
  static final byte[] BROADCAST = mac("ff:ff:ff:ff:ff:ff");
  static final byte[] STP_MAC = mac("01:80:c2:00:00:00");
  static final byte[] LLDP_MAC = mac("01:80:c2:00:00:0e");

  private TestFrames() {}

  /** One frame of each kind, including a 9000-byte jumbo frame (needs MTU 9000). */
  public static List<byte[]> everyKind() {
    List<byte[]> frames = new ArrayList<>();
    frames.add(ipv4(6, tcp(40_000, 8080, "GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes())));
    frames.add(ipv4(17, udp(5353, 53, new byte[] {1, 2, 3, 4, 5, 6, 7, 8})));
    frames.add(ipv4(1, icmpEcho(7)));
    frames.add(ipv6(17, udp(40_001, 443, "quic-ish payload".getBytes())));
    frames.add(vlanTagged(100, 5, ipv4(17, udp(1000, 2000, new byte[20]))));
    frames.add(arpRequest());
    frames.add(stpBpdu());
    frames.add(lldp());
    frames.add(ipv4(6, tcp(50_179, 179, bgpKeepalive())));
    frames.add(ipv4(17, udp(9, 9, filler(9000 - 14 - 20 - 8))));
    return frames;
  }

  /** A UDP/IPv4 frame of exactly {@code frameBytes} (at least 42), its payload derived from n. */
  public static byte[] udpFrame(int frameBytes, int n) {
    byte[] payload = new byte[frameBytes - 42];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (n >>> (8 * (i % 4)));
    }
    return ipv4(17, udp(10_000 + (n & 0x3ff), 20_000, payload));
  }

  static byte[] ethernet(byte[] destination, int etherType, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
    b.put(destination).put(SOURCE_MAC).putShort((short) etherType).put(payload);
    return b.array();
  }

  static byte[] ipv4(int protocol, byte[] payload) {
    ByteBuffer ip = ByteBuffer.allocate(20 + payload.length);
    ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length));
    ip.putShort((short) 0x1234).putShort((short) 0x4000).put((byte) 64).put((byte) protocol);
    ip.putShort((short) 0)
        .put(new byte[] {(byte) 198, 19, 0, 1})
        .put(new byte[] {(byte) 198, 19, 0, 2});
    ip.put(payload);
    byte[] bytes = ip.array();
    int sum = 0;
    for (int i = 0; i < 20; i += 2) {
      sum += ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    bytes[10] = (byte) (~sum >>> 8);
    bytes[11] = (byte) ~sum;
    return ethernet(DESTINATION_MAC, 0x0800, bytes);
  }

  static byte[] ipv6(int nextHeader, byte[] payload) {
    ByteBuffer ip = ByteBuffer.allocate(40 + payload.length);
    ip.putInt(0x60000000).putShort((short) payload.length).put((byte) nextHeader).put((byte) 64);
    ip.put(HexFormat.of().parseHex("20010db8000200000000000000000001"));
    ip.put(HexFormat.of().parseHex("20010db8000200000000000000000002"));
    ip.put(payload);
    return ethernet(DESTINATION_MAC, 0x86dd, ip.array());
  }

  static byte[] tcp(int sourcePort, int destinationPort, byte[] payload) {
    ByteBuffer t = ByteBuffer.allocate(20 + payload.length);
    t.putShort((short) sourcePort).putShort((short) destinationPort).putInt(1000).putInt(2000);
    t.put((byte) 0x50).put((byte) 0x18).putShort((short) 65_535).putInt(0).put(payload);
    return t.array();
  }

  static byte[] udp(int sourcePort, int destinationPort, byte[] payload) {
    ByteBuffer u = ByteBuffer.allocate(8 + payload.length);
    u.putShort((short) sourcePort).putShort((short) destinationPort);
    u.putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
    return u.array();
  }

  static byte[] icmpEcho(int sequence) {
    ByteBuffer i = ByteBuffer.allocate(8 + 32);
    i.put((byte) 8)
        .put((byte) 0)
        .putShort((short) 0)
        .putShort((short) 0x77)
        .putShort((short) sequence);
    i.put(filler(32));
    return i.array();
  }

  public static byte[] vlanTagged(int vlan, int priority, byte[] untagged) {
    ByteBuffer b = ByteBuffer.allocate(untagged.length + 4);
    b.put(untagged, 0, 12).putShort((short) 0x8100).putShort((short) (priority << 13 | vlan));
    b.put(untagged, 12, untagged.length - 12);
    return b.array();
  }

  static byte[] arpRequest() {
    ByteBuffer a = ByteBuffer.allocate(28);
    a.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
    a.put(SOURCE_MAC).put(new byte[] {(byte) 198, 19, 0, 1}).put(new byte[6]);
    a.put(new byte[] {(byte) 198, 19, 0, 2});
    return ethernet(BROADCAST, 0x0806, a.array());
  }

  static byte[] stpBpdu() {
    byte[] bpdu = new byte[3 + 35];
    bpdu[0] = 0x42;
    bpdu[1] = 0x42;
    bpdu[2] = 0x03;
    bpdu[3 + 4] = (byte) 0x80; // root bridge priority
    ByteBuffer b = ByteBuffer.allocate(14 + bpdu.length);
    b.put(STP_MAC).put(SOURCE_MAC).putShort((short) bpdu.length).put(bpdu);
    return b.array();
  }

  static byte[] lldp() {
    ByteBuffer t = ByteBuffer.allocate(2 + 7 + 2 + 4 + 2 + 2 + 2);
    t.putShort((short) (1 << 9 | 7)).put((byte) 4).put(SOURCE_MAC); // chassis id: MAC
    t.putShort((short) (2 << 9 | 4)).put((byte) 7).put("p1\0".getBytes()); // port id
    t.putShort((short) (3 << 9 | 2)).putShort((short) 120); // TTL
    t.putShort((short) 0); // end
    return ethernet(LLDP_MAC, 0x88cc, t.array());
  }

  static byte[] bgpKeepalive() {
    ByteBuffer b = ByteBuffer.allocate(19);
    for (int i = 0; i < 16; i++) {
      b.put((byte) 0xff);
    }
    b.putShort((short) 19).put((byte) 4);
    return b.array();
  }

  static byte[] filler(int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i * 7 + 3);
    }
    return bytes;
  }

  static byte[] mac(String text) {
    return HexFormat.ofDelimiter(":").parseHex(text);
  }
}

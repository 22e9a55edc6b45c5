package dev.tapwire.netio;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hand-built packets for the integration tests. */
final class TestPackets {
  static final byte[] MAC_A = HexFormat.of().parseHex("02005e100001");
  static final byte[] MAC_B = HexFormat.of().parseHex("02005e100002");

  private TestPackets() {}

  /**
   * A GRE packet (flags/version 0x0000, protocol 0x6558 = transparent Ethernet bridging) carrying
   * an Ethernet frame whose payload starts with {@code counter}; lengths vary with the counter.
   */
  static byte[] greWithEthernet(int counter) {
    int frameLength = 60 + (counter * 37) % 900;
    ByteBuffer b = ByteBuffer.allocate(4 + frameLength);
    b.putShort((short) 0x0000).putShort((short) 0x6558);
    b.put(MAC_B).put(MAC_A).putShort((short) 0x88b5).putInt(counter);
    while (b.hasRemaining()) {
      b.put((byte) (b.position() * 7 + counter));
    }
    return b.array();
  }

  /** An ICMP echo request (type 8) with a valid checksum. */
  static byte[] icmpEchoRequest(int id, int seq) {
    byte[] p = new byte[16];
    ByteBuffer b = ByteBuffer.wrap(p);
    b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq);
    b.put("tapwire!".getBytes(StandardCharsets.US_ASCII));
    b.putShort(2, internetChecksum(p));
    return p;
  }

  /** An ICMPv6 echo request (type 128); the kernel fills the checksum of a raw ICMPv6 socket. */
  static byte[] icmpv6EchoRequest(int id, int seq) {
    byte[] p = icmpEchoRequest(id, seq);
    p[0] = (byte) 128;
    p[2] = 0;
    p[3] = 0;
    return p;
  }

  static short internetChecksum(byte[] data) {
    long sum = 0;
    for (int i = 0; i + 1 < data.length; i += 2) {
      sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
    }
    if ((data.length & 1) != 0) {
      sum += (data[data.length - 1] & 0xff) << 8;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (short) ~sum;
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

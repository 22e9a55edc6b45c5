package dev.tapwire.agent.encap;

import java.lang.foreign.MemorySegment;

/**
 * The per-flow UDP source port of a VXLAN packet (RFC 7348 §5: a hash of the inner frame, in the
 * dynamic range 49152-65535), so that receivers spreading load by 5-tuple keep a flow on one core.
 * The hash is symmetric (both directions of a conversation get the same port): addresses and ports
 * are combined with commutative operations. It uses IPv4/IPv6 addresses, the protocol and TCP/UDP/
 * SCTP ports behind up to two VLAN tags; other frames hash their MAC addresses and EtherType.
 */
public final class FlowHash {
  private static final int DYNAMIC_PORT_BASE = 49_152;
  private static final int DYNAMIC_PORT_COUNT = 16_384;

  private FlowHash() {}

  /** The source port for the frame held in {@code [0, length)} of {@code frame}. */
  public static int sourcePort(MemorySegment frame, int length) {
    return DYNAMIC_PORT_BASE + (mix(hash(frame, length)) & (DYNAMIC_PORT_COUNT - 1));
  }

  static int hash(MemorySegment frame, int length) {
    if (length < 14) {
      return length;
    }
    int offset = EthernetFrames.ETHERTYPE_OFFSET;
    int etherType = EthernetFrames.unsigned16(frame, offset);
    for (int tags = 0;
        tags < 2
            && (etherType == EthernetFrames.TPID_8021Q || etherType == EthernetFrames.TPID_8021AD)
            && offset + 6 <= length;
        tags++) {
      offset += 4;
      etherType = EthernetFrames.unsigned16(frame, offset);
    }
    int ip = offset + 2;
    if (etherType == 0x0800 && ip + 20 <= length) {
      int protocol = EthernetFrames.unsigned8(frame, ip + 9);
      int a = EthernetFrames.int32(frame, ip + 12);
      int b = EthernetFrames.int32(frame, ip + 16);
      int headerBytes = (EthernetFrames.unsigned8(frame, ip) & 0x0f) * 4;
      boolean firstFragment = (EthernetFrames.unsigned16(frame, ip + 6) & 0x1fff) == 0;
      int ports = firstFragment ? ports(frame, length, ip + headerBytes, protocol) : 0;
      return (a + b) ^ (a ^ b) * 31 ^ protocol * 0x9e3779b9 ^ ports;
    }
    if (etherType == 0x86dd && ip + 40 <= length) {
      int protocol = EthernetFrames.unsigned8(frame, ip + 6);
      int sum = 0;
      int xor = 0;
      for (int i = 0; i < 4; i++) {
        int a = EthernetFrames.int32(frame, ip + 8 + 4 * i);
        int b = EthernetFrames.int32(frame, ip + 24 + 4 * i);
        sum += a + b;
        xor = xor * 31 + (a ^ b);
      }
      return sum ^ xor ^ protocol * 0x9e3779b9 ^ ports(frame, length, ip + 40, protocol);
    }
    int a = EthernetFrames.int32(frame, 0) ^ EthernetFrames.unsigned16(frame, 4);
    int b = EthernetFrames.int32(frame, 6) ^ EthernetFrames.unsigned16(frame, 10);
    return (a + b) ^ (a ^ b) * 31 ^ etherType;
  }

  /** Source and destination port combined symmetrically, or 0 without a port header. */
  private static int ports(MemorySegment frame, int length, int l4, int protocol) {
    boolean hasPorts = protocol == 6 || protocol == 17 || protocol == 132;
    if (!hasPorts || l4 + 4 > length) {
      return 0;
    }
    int source = EthernetFrames.unsigned16(frame, l4);
    int destination = EthernetFrames.unsigned16(frame, l4 + 2);
    return (source + destination) * 0x85ebca6b ^ (source ^ destination);
  }

  /** Spreads the bits (murmur3's finaliser). */
  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }
}

package dev.tapwire.collector.merge;

import io.netty.buffer.ByteBuf;

/**
 * A 64-bit hash of an inner frame that ignores what legitimately differs between two capture points
 * of the same packet: the IPv4 TTL and header checksum, the IPv6 hop limit, and the TCP/UDP
 * checksum (it covers the TTL-free pseudo header, but NIC offload leaves it unset at one point and
 * set at another). Everything else, MAC addresses and VLAN tags included, must match. One instance
 * per thread; no allocation.
 */
final class FrameHasher {
  private static final int LINKTYPE_ETHERNET = 1;
  private static final int LINKTYPE_IPV4 = 228;
  private static final int LINKTYPE_IPV6 = 229;
  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ETHERTYPE_IPV6 = 0x86DD;
  private static final int PROTOCOL_TCP = 6;
  private static final int PROTOCOL_UDP = 17;
  private static final int MAX_MASKS = 4;

  private final int[] maskStart = new int[MAX_MASKS];
  private final int[] maskEnd = new int[MAX_MASKS];
  private int masks;

  /** Hashes {@code buf[offset, offset + length)}, a frame of pcap link type {@code linkType}. */
  long hash(ByteBuf buf, int offset, int length, int linkType) {
    int end = offset + length;
    masks = 0;
    if (linkType == LINKTYPE_ETHERNET) {
      maskEthernet(buf, offset, end);
    } else if (linkType == LINKTYPE_IPV4) {
      maskIpv4(buf, offset, end);
    } else if (linkType == LINKTYPE_IPV6) {
      maskIpv6(buf, offset, end);
    }
    long h = mix(0x2545_F491_4F6C_DD1DL, length);
    int p = offset;
    for (; p + 8 <= end; p += 8) {
      h = mix(h, buf.getLong(p) & keepMask(p, 8));
    }
    if (p < end) {
      long tail = 0;
      for (int i = p; i < end; i++) {
        tail = (tail << 8) | buf.getUnsignedByte(i);
      }
      tail <<= 8 * (8 - (end - p));
      h = mix(h, tail & keepMask(p, 8));
    }
    return h;
  }

  private void maskEthernet(ByteBuf buf, int offset, int end) {
    if (end - offset < 14) {
      return;
    }
    int type = buf.getUnsignedShort(offset + 12);
    int p = offset + 14;
    while ((type == 0x8100 || type == 0x88A8 || type == 0x9100) && end - p >= 4) {
      type = buf.getUnsignedShort(p + 2);
      p += 4;
    }
    if (type == ETHERTYPE_IPV4) {
      maskIpv4(buf, p, end);
    } else if (type == ETHERTYPE_IPV6) {
      maskIpv6(buf, p, end);
    }
  }

  private void maskIpv4(ByteBuf buf, int ip, int end) {
    if (end - ip < 20 || (buf.getUnsignedByte(ip) >>> 4) != 4) {
      return;
    }
    int headerLength = (buf.getUnsignedByte(ip) & 0x0F) * 4;
    if (headerLength < 20 || end - ip < headerLength) {
      return;
    }
    addMask(ip + 8, 1); // TTL
    addMask(ip + 10, 2); // header checksum
    boolean firstFragment = (buf.getUnsignedShort(ip + 6) & 0x1FFF) == 0;
    if (firstFragment) {
      maskTransport(buf.getUnsignedByte(ip + 9), ip + headerLength, end);
    }
  }

  private void maskIpv6(ByteBuf buf, int ip, int end) {
    if (end - ip < 40 || (buf.getUnsignedByte(ip) >>> 4) != 6) {
      return;
    }
    addMask(ip + 7, 1); // hop limit
    maskTransport(buf.getUnsignedByte(ip + 6), ip + 40, end);
  }

  private void maskTransport(int protocol, int l4, int end) {
    if (protocol == PROTOCOL_TCP && end - l4 >= 18) {
      addMask(l4 + 16, 2);
    } else if (protocol == PROTOCOL_UDP && end - l4 >= 8) {
      addMask(l4 + 6, 2);
    }
  }

  private void addMask(int start, int length) {
    maskStart[masks] = start;
    maskEnd[masks] = start + length;
    masks++;
  }

  /** Big-endian mask of the 8 bytes at {@code p}: 0x00 for masked bytes, 0xFF otherwise. */
  private long keepMask(int p, int width) {
    long keep = -1L;
    for (int m = 0; m < masks; m++) {
      int from = Math.max(p, maskStart[m]);
      int to = Math.min(p + width, maskEnd[m]);
      for (int b = from; b < to; b++) {
        keep &= ~(0xFFL << (8 * (7 - (b - p))));
      }
    }
    return keep;
  }

  private static long mix(long h, long v) {
    long x = (h ^ v) * 0xBF58_476D_1CE4_E5B9L;
    x ^= x >>> 31;
    x *= 0x94D0_49BB_1331_11EBL;
    return x ^ (x >>> 29);
  }
}

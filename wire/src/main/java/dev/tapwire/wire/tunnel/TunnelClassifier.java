package dev.tapwire.wire.tunnel;

import dev.tapwire.wire.erspan.ErspanPlatformSubHeader;
import dev.tapwire.wire.erspan.ErspanType2Header;
import dev.tapwire.wire.erspan.ErspanType3Header;
import dev.tapwire.wire.gre.GreHeader;
import dev.tapwire.wire.gre.GreProtocolType;
import dev.tapwire.wire.ip.IpProtocol;
import dev.tapwire.wire.ip.Ipv4Header;
import dev.tapwire.wire.ip.Ipv6Header;
import dev.tapwire.wire.ip.UdpHeader;
import dev.tapwire.wire.vxlan.VxlanHeader;
import io.netty.buffer.ByteBuf;

/**
 * The single classification entry point: finds the mirrored inner frame in a packet captured or
 * received by the collector, whatever the tunnel (ERSPAN I/II/III, GRE-TEB, VXLAN, GRE-in-UDP).
 *
 * <p>Rules (details and the capture behind each quirk in {@code wire/DESIGN.md}):
 *
 * <ul>
 *   <li>Never throws on any input bytes: every outcome is a {@link Verdict} with a {@link
 *       DecodeReason}. Only programming errors throw (a negative length, a range outside the
 *       buffer, a null argument).
 *   <li>Never reads outside {@code [offset, offset + length)} and bounds everything by the outer IP
 *       total/payload length and the UDP length, not by the buffer (Ethernet pads short frames).
 *   <li>Never copies or rewrites the inner frame: the result is a view into the same buffer.
 *   <li>Decapsulates exactly once: an inner frame that is itself tunnel traffic is returned as it
 *       is.
 *   <li>No allocation, no exceptions, no boxing on the hot path. A classifier is immutable and may
 *       be shared by threads; each thread uses its own {@link DecodedFrame}.
 * </ul>
 */
public final class TunnelClassifier {
  /** IANA VXLAN port. */
  public static final int DEFAULT_VXLAN_PORT = VxlanHeader.DEFAULT_PORT;

  /** IANA GRE-in-UDP port (RFC 8086 §3). */
  public static final int DEFAULT_GRE_IN_UDP_PORT = 4754;

  public static final int LINKTYPE_NULL = 0;
  public static final int LINKTYPE_ETHERNET = 1;
  public static final int LINKTYPE_RAW = 101;
  public static final int LINKTYPE_LOOP = 108;
  public static final int LINKTYPE_LINUX_SLL = 113;
  public static final int LINKTYPE_IPV4 = 228;
  public static final int LINKTYPE_IPV6 = 229;
  public static final int LINKTYPE_LINUX_SLL2 = 276;

  static final int ETHERNET_HEADER_LENGTH = 14;
  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ETHERTYPE_IPV6 = 0x86DD;
  private static final int ETHERTYPE_DOT1Q = 0x8100;
  private static final int ETHERTYPE_DOT1AD = 0x88A8;
  private static final int ETHERTYPE_QINQ_LEGACY = 0x9100;
  private static final int VLAN_TAG_LENGTH = 4;
  private static final int SLL_HEADER_LENGTH = 16;
  private static final int SLL_PROTOCOL_OFFSET = 14;
  private static final int SLL2_HEADER_LENGTH = 20;
  private static final int NULL_HEADER_LENGTH = 4;
  private static final int IPV6_AUTHENTICATION_HEADER = 51;
  private static final int IPV6_EXTENSION_MIN_LENGTH = 8;

  private static final byte PORT_NOT_TUNNEL = 0;
  private static final byte PORT_VXLAN = 1;
  private static final byte PORT_GRE_IN_UDP = 2;

  /** What each UDP destination port carries: one lookup, whatever the number of ports. */
  private final byte[] udpPortRoles = new byte[65_536];

  private final int[] vxlanPorts;
  private final int greInUdpPort;

  /** A classifier on the default ports: VXLAN 4789, GRE-in-UDP 4754. */
  public TunnelClassifier() {
    this(DEFAULT_VXLAN_PORT, DEFAULT_GRE_IN_UDP_PORT);
  }

  /**
   * A classifier on the given UDP destination ports (e.g. the Linux legacy VXLAN port 8472). Port 0
   * disables that decoder.
   *
   * @throws IllegalArgumentException if a port is outside 0-65535 or both are the same non-zero
   *     port
   */
  public TunnelClassifier(int vxlanPort, int greInUdpPort) {
    this(vxlanPort == 0 ? new int[0] : new int[] {vxlanPort}, greInUdpPort);
  }

  /**
   * A classifier that decodes VXLAN on every port of {@code vxlanPorts} (for example 4789 and the
   * Linux legacy 8472) and GRE-in-UDP on {@code greInUdpPort} (0 disables it).
   *
   * @throws IllegalArgumentException if a port is outside 1-65535 (0 for GRE-in-UDP) or a port is
   *     given two roles
   */
  public TunnelClassifier(int[] vxlanPorts, int greInUdpPort) {
    if ((greInUdpPort & ~0xFFFF) != 0) {
      throw new IllegalArgumentException("UDP ports must be 0-65535: greInUdpPort=" + greInUdpPort);
    }
    if (greInUdpPort != 0) {
      udpPortRoles[greInUdpPort] = PORT_GRE_IN_UDP;
    }
    for (int port : vxlanPorts) {
      if (port < 1 || port > 0xFFFF) {
        throw new IllegalArgumentException("UDP ports must be 1-65535: vxlanPort=" + port);
      }
      if (port == greInUdpPort) {
        throw new IllegalArgumentException(
            "vxlanPort and greInUdpPort must differ: both are " + port);
      }
      udpPortRoles[port] = PORT_VXLAN;
    }
    this.vxlanPorts = vxlanPorts.clone();
    this.greInUdpPort = greInUdpPort;
  }

  /** The first VXLAN port, or 0 when VXLAN is disabled. */
  public int vxlanPort() {
    return vxlanPorts.length == 0 ? 0 : vxlanPorts[0];
  }

  /** Every VXLAN port. */
  public int[] vxlanPorts() {
    return vxlanPorts.clone();
  }

  public int greInUdpPort() {
    return greInUdpPort;
  }

  // ---------------------------------------------------------------------------------------------
  // Entry points
  // ---------------------------------------------------------------------------------------------

  /**
   * Classifies a pcap record of the given LINKTYPE: Ethernet (1; 802.1Q 0x8100, 802.1ad 0x88A8 and
   * 0x9100 tags are skipped), Linux SLL (113), Linux SLL2 (276), raw IP (101), IPv4 (228), IPv6
   * (229), BSD null/loopback (0, 108). Any other link type is {@link
   * DecodeReason#LINK_TYPE_UNSUPPORTED}. Resets {@code out} first.
   */
  public Verdict classifyLinkLayer(
      int linkType, ByteBuf buf, int offset, int length, DecodedFrame out) {
    checkRange(buf, offset, length);
    out.reset();
    return switch (linkType) {
      case LINKTYPE_ETHERNET -> {
        if (length < ETHERNET_HEADER_LENGTH) {
          yield out.fail(DecodeReason.LINK_LAYER_TRUNCATED);
        }
        yield etherType(buf.getUnsignedShort(offset + 12), buf, offset + 14, offset + length, out);
      }
      case LINKTYPE_LINUX_SLL -> {
        if (length < SLL_HEADER_LENGTH) {
          yield out.fail(DecodeReason.LINK_LAYER_TRUNCATED);
        }
        yield etherType(
            buf.getUnsignedShort(offset + SLL_PROTOCOL_OFFSET),
            buf,
            offset + SLL_HEADER_LENGTH,
            offset + length,
            out);
      }
      case LINKTYPE_LINUX_SLL2 -> {
        if (length < SLL2_HEADER_LENGTH) {
          yield out.fail(DecodeReason.LINK_LAYER_TRUNCATED);
        }
        yield etherType(
            buf.getUnsignedShort(offset), buf, offset + SLL2_HEADER_LENGTH, offset + length, out);
      }
      case LINKTYPE_RAW -> ip(buf, offset, length, 0, out);
      case LINKTYPE_IPV4 -> ip(buf, offset, length, Ipv4Header.VERSION, out);
      case LINKTYPE_IPV6 -> ip(buf, offset, length, Ipv6Header.VERSION, out);
      case LINKTYPE_NULL, LINKTYPE_LOOP -> {
        if (length < NULL_HEADER_LENGTH) {
          yield out.fail(DecodeReason.LINK_LAYER_TRUNCATED);
        }
        int version = addressFamilyToIpVersion(buf.getInt(offset), linkType == LINKTYPE_NULL);
        if (version == 0) {
          yield out.fail(DecodeReason.NOT_IP);
        }
        yield ip(buf, offset + NULL_HEADER_LENGTH, length - NULL_HEADER_LENGTH, version, out);
      }
      default -> out.fail(DecodeReason.LINK_TYPE_UNSUPPORTED);
    };
  }

  /**
   * Classifies a packet that starts at an outer IPv4 or IPv6 header (a raw IPv4 socket, a
   * reassembled datagram, a pcap record after its link layer). Trailing bytes beyond the IP length
   * are ignored. IPv6 hop-by-hop, routing, destination options and authentication headers are
   * skipped; an atomic fragment header too; a real IPv6 fragment is {@link
   * DecodeReason#IPV6_FRAGMENT_UNSUPPORTED}. Resets {@code out} first.
   */
  public Verdict classifyIp(ByteBuf buf, int offset, int length, DecodedFrame out) {
    checkRange(buf, offset, length);
    out.reset();
    return ip(buf, offset, length, 0, out);
  }

  /**
   * Classifies a packet that starts at the GRE header (a raw IPv6 GRE socket delivers no IP
   * header). Keeps the outer address and port fields of {@code out} (set them with its setters
   * after {@link DecodedFrame#reset()}); clears everything else.
   */
  public Verdict classifyGre(ByteBuf buf, int offset, int length, DecodedFrame out) {
    checkRange(buf, offset, length);
    out.resetTunnel();
    out.carrier = Carrier.IP;
    return gre(buf, offset, offset + length, out);
  }

  /**
   * Classifies a UDP payload (Netty datagram receivers) by its destination port: the VXLAN port or
   * the GRE-in-UDP port, else {@link DecodeReason#UDP_PORT_NOT_TUNNEL}. Keeps the outer address and
   * port fields of {@code out}, except that the destination port is set to {@code destinationPort};
   * clears everything else.
   */
  public Verdict classifyUdpPayload(
      ByteBuf buf, int offset, int length, int destinationPort, DecodedFrame out) {
    checkRange(buf, offset, length);
    out.resetTunnel();
    out.outerDestinationPort = destinationPort;
    return udpPayload(buf, offset, offset + length, destinationPort, out);
  }

  private static void checkRange(ByteBuf buf, int offset, int length) {
    if ((offset | length) < 0 || offset > buf.capacity() - length) {
      throw new IllegalArgumentException(
          "range outside buffer: offset="
              + offset
              + " length="
              + length
              + " capacity="
              + buf.capacity());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Link layer
  // ---------------------------------------------------------------------------------------------

  /** {@code payload} is where the bytes after the EtherType field begin. */
  private Verdict etherType(int type, ByteBuf buf, int payload, int end, DecodedFrame out) {
    while (type == ETHERTYPE_DOT1Q || type == ETHERTYPE_DOT1AD || type == ETHERTYPE_QINQ_LEGACY) {
      if (end - payload < VLAN_TAG_LENGTH) {
        return out.fail(DecodeReason.LINK_LAYER_TRUNCATED);
      }
      type = buf.getUnsignedShort(payload + 2);
      payload += VLAN_TAG_LENGTH;
    }
    if (type == ETHERTYPE_IPV4) {
      return ip(buf, payload, end - payload, Ipv4Header.VERSION, out);
    }
    if (type == ETHERTYPE_IPV6) {
      return ip(buf, payload, end - payload, Ipv6Header.VERSION, out);
    }
    return out.fail(DecodeReason.NOT_IP);
  }

  /**
   * BSD loopback: the address family in the capturing host's byte order (NULL) or network order
   * (LOOP). AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30
   * (macOS). Returns 4, 6 or 0.
   */
  private static int addressFamilyToIpVersion(int word, boolean eitherByteOrder) {
    int family = word;
    if (eitherByteOrder && (family & 0xFFFF) == 0) {
      family = Integer.reverseBytes(word);
    }
    return switch (family) {
      case 2 -> 4;
      case 10, 24, 28, 30 -> 6;
      default -> 0;
    };
  }

  // ---------------------------------------------------------------------------------------------
  // IP
  // ---------------------------------------------------------------------------------------------

  /** {@code expectedVersion} 0 accepts 4 and 6. */
  private Verdict ip(ByteBuf buf, int offset, int length, int expectedVersion, DecodedFrame out) {
    if (length < 1) {
      return out.fail(DecodeReason.IP_TRUNCATED);
    }
    int version = buf.getUnsignedByte(offset) >>> 4;
    if (expectedVersion != 0 && version != expectedVersion) {
      return out.fail(DecodeReason.IP_BAD_VERSION);
    }
    if (version == Ipv4Header.VERSION) {
      return ipv4(buf, offset, length, out);
    }
    if (version == Ipv6Header.VERSION) {
      return ipv6(buf, offset, length, out);
    }
    return out.fail(DecodeReason.IP_BAD_VERSION);
  }

  /**
   * IPv4 (RFC 791 §3.1). The header is read as five 32-bit words: every {@code ByteBuf} access
   * costs a bounds and reference-count check, so fewer, wider reads are faster. The checks and
   * their order are those of {@link Ipv4Header#validate}.
   */
  private Verdict ipv4(ByteBuf buf, int offset, int length, DecodedFrame out) {
    out.outerIpVersion = Ipv4Header.VERSION;
    out.outerIpOffset = offset;
    if (length < Ipv4Header.MIN_LENGTH) {
      return out.fail(DecodeReason.IP_TRUNCATED);
    }
    int word0 = buf.getInt(offset); // version, IHL, DSCP/ECN, total length
    int word1 = buf.getInt(offset + Ipv4Header.IDENTIFICATION_OFFSET); // id, flags, fragment
    int word2 = buf.getInt(offset + Ipv4Header.TTL_OFFSET); // TTL, protocol, checksum
    out.addressLength = Ipv4Header.ADDRESS_LENGTH;
    DecodedFrame.putInt(out.outerSourceAddress, 0, buf.getInt(offset + Ipv4Header.SOURCE_OFFSET));
    DecodedFrame.putInt(
        out.outerDestinationAddress, 0, buf.getInt(offset + Ipv4Header.DESTINATION_OFFSET));
    int totalLength = word0 & 0xFFFF;
    int protocol = (word2 >>> 16) & 0xFF;
    out.outerIpTotalLength = totalLength;
    out.outerIpProtocol = protocol;
    int headerLength = (word0 >>> 22) & 0x3C; // IHL × 4
    if (headerLength < Ipv4Header.MIN_LENGTH) {
      return out.fail(DecodeReason.IP_BAD_HEADER_LENGTH);
    }
    if (totalLength < headerLength) {
      return out.fail(DecodeReason.IP_BAD_TOTAL_LENGTH);
    }
    if (totalLength > length) {
      return out.fail(DecodeReason.IP_TRUNCATED);
    }
    int fragment = word1 & 0xFFFF;
    out.ipv4Identification = word1 >>> 16;
    out.fragmentOffsetBytes = (fragment & Ipv4Header.FRAGMENT_OFFSET_MASK) * 8;
    out.moreFragments = (fragment & Ipv4Header.FLAG_MORE_FRAGMENTS) != 0;
    out.dontFragment = (fragment & Ipv4Header.FLAG_DONT_FRAGMENT) != 0;
    if (protocol != IpProtocol.GRE && protocol != IpProtocol.UDP) {
      return out.fail(DecodeReason.IP_PROTOCOL_NOT_TUNNEL);
    }
    if ((fragment & (Ipv4Header.FLAG_MORE_FRAGMENTS | Ipv4Header.FRAGMENT_OFFSET_MASK)) != 0) {
      return out.fail(DecodeReason.IPV4_FRAGMENT);
    }
    return transport(protocol, buf, offset + headerLength, offset + totalLength, out);
  }

  private Verdict ipv6(ByteBuf buf, int offset, int length, DecodedFrame out) {
    out.outerIpVersion = Ipv6Header.VERSION;
    out.outerIpOffset = offset;
    if (length < Ipv6Header.LENGTH) {
      return out.fail(DecodeReason.IP_TRUNCATED);
    }
    out.addressLength = Ipv6Header.ADDRESS_LENGTH;
    DecodedFrame.copyAddress(buf, offset + Ipv6Header.SOURCE_OFFSET, out.outerSourceAddress, 16);
    DecodedFrame.copyAddress(
        buf, offset + Ipv6Header.DESTINATION_OFFSET, out.outerDestinationAddress, 16);
    int word1 = buf.getInt(offset + Ipv6Header.PAYLOAD_LENGTH_OFFSET); // length, next, hops
    int totalLength = Ipv6Header.LENGTH + (word1 >>> 16);
    out.outerIpTotalLength = totalLength;
    if (totalLength > length) {
      return out.fail(DecodeReason.IP_TRUNCATED);
    }
    int end = offset + totalLength;
    int p = offset + Ipv6Header.LENGTH;
    int next = (word1 >>> 8) & 0xFF;
    // Each extension header is at least 8 bytes, so the loop ends within the payload length.
    while (true) {
      int headerLength;
      switch (next) {
        case Ipv6Header.NEXT_HEADER_HOP_BY_HOP,
            Ipv6Header.NEXT_HEADER_ROUTING,
            Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS -> {
          if (end - p < IPV6_EXTENSION_MIN_LENGTH) {
            return out.fail(DecodeReason.IPV6_EXTENSION_HEADER_TRUNCATED);
          }
          headerLength = (buf.getUnsignedByte(p + 1) + 1) * 8;
        }
        case IPV6_AUTHENTICATION_HEADER -> {
          if (end - p < IPV6_EXTENSION_MIN_LENGTH) {
            return out.fail(DecodeReason.IPV6_EXTENSION_HEADER_TRUNCATED);
          }
          headerLength = (buf.getUnsignedByte(p + 1) + 2) * 4;
        }
        case Ipv6Header.NEXT_HEADER_FRAGMENT -> {
          if (end - p < IPV6_EXTENSION_MIN_LENGTH) {
            return out.fail(DecodeReason.IPV6_EXTENSION_HEADER_TRUNCATED);
          }
          // Offset (13 bits, 0xFFF8) or M (0x0001) set: a real fragment. Otherwise atomic.
          if ((buf.getUnsignedShort(p + 2) & 0xFFF9) != 0) {
            out.outerIpProtocol = next;
            return out.fail(DecodeReason.IPV6_FRAGMENT_UNSUPPORTED);
          }
          headerLength = IPV6_EXTENSION_MIN_LENGTH;
        }
        default -> {
          out.outerIpProtocol = next;
          if (next != IpProtocol.GRE && next != IpProtocol.UDP) {
            return out.fail(DecodeReason.IP_PROTOCOL_NOT_TUNNEL);
          }
          return transport(next, buf, p, end, out);
        }
      }
      if (headerLength > end - p) {
        return out.fail(DecodeReason.IPV6_EXTENSION_HEADER_TRUNCATED);
      }
      next = buf.getUnsignedByte(p);
      p += headerLength;
    }
  }

  private Verdict transport(int protocol, ByteBuf buf, int payload, int end, DecodedFrame out) {
    if (protocol == IpProtocol.GRE) {
      out.carrier = Carrier.IP;
      return gre(buf, payload, end, out);
    }
    if (end - payload < UdpHeader.LENGTH) {
      return out.fail(DecodeReason.UDP_TRUNCATED);
    }
    int ports = buf.getInt(payload + UdpHeader.SOURCE_PORT_OFFSET);
    int udpLength = buf.getUnsignedShort(payload + UdpHeader.LENGTH_OFFSET);
    int destinationPort = ports & 0xFFFF;
    out.outerSourcePort = ports >>> 16;
    out.outerDestinationPort = destinationPort;
    if (udpLength < UdpHeader.LENGTH || udpLength > end - payload) {
      return out.fail(DecodeReason.UDP_BAD_LENGTH);
    }
    return udpPayload(buf, payload + UdpHeader.LENGTH, payload + udpLength, destinationPort, out);
  }

  private Verdict udpPayload(
      ByteBuf buf, int payload, int end, int destinationPort, DecodedFrame out) {
    byte role = udpPortRoles[destinationPort & 0xFFFF];
    if (role == PORT_VXLAN) {
      out.carrier = Carrier.UDP;
      return vxlan(buf, payload, end, out);
    }
    if (role == PORT_GRE_IN_UDP) {
      out.carrier = Carrier.UDP;
      return gre(buf, payload, end, out);
    }
    return out.fail(DecodeReason.UDP_PORT_NOT_TUNNEL);
  }

  // ---------------------------------------------------------------------------------------------
  // Tunnel headers
  // ---------------------------------------------------------------------------------------------

  private static Verdict vxlan(ByteBuf buf, int p, int end, DecodedFrame out) {
    out.encapsulation = Encapsulation.VXLAN;
    if (end - p < VxlanHeader.LENGTH) {
      return out.fail(DecodeReason.VXLAN_TRUNCATED);
    }
    if (!VxlanHeader.hasIFlag(buf, p)) {
      return out.fail(DecodeReason.VXLAN_I_FLAG_MISSING);
    }
    out.vni = VxlanHeader.vni(buf, p);
    return ethernetFrame(p + VxlanHeader.LENGTH, end, out);
  }

  /** {@code out.carrier} is set by the caller. */
  private static Verdict gre(ByteBuf buf, int p, int end, DecodedFrame out) {
    if (end - p < GreHeader.BASE_LENGTH) {
      return out.fail(DecodeReason.GRE_TRUNCATED);
    }
    int word0 = buf.getInt(p);
    int flags = word0 >>> 16;
    int protocolType = word0 & 0xFFFF;
    out.greOffset = p;
    out.greFlags = flags;
    out.greProtocolType = protocolType;
    int version = GreHeader.version(flags);
    if (version == GreHeader.VERSION_1_PPTP) {
      return out.fail(DecodeReason.GRE_VERSION_1_PPTP);
    }
    if (version != GreHeader.VERSION_0) {
      return out.fail(DecodeReason.GRE_BAD_VERSION);
    }
    if (GreHeader.hasRouting(flags)) {
      return out.fail(DecodeReason.GRE_ROUTING_PRESENT);
    }
    int headerLength = GreHeader.headerLength(flags);
    if (headerLength > end - p) {
      return out.fail(DecodeReason.GRE_TRUNCATED);
    }
    out.greHeaderLength = headerLength;
    int q = p + GreHeader.BASE_LENGTH;
    if (GreHeader.hasChecksum(flags)) {
      out.checksumPresent = true;
      out.checksumValid = GreHeader.isChecksumValid(buf, p, end - p);
      q += GreHeader.OPTIONAL_FIELD_LENGTH;
    }
    if (GreHeader.hasKey(flags)) {
      out.hasKey = true;
      out.key = buf.getUnsignedInt(q);
      q += GreHeader.OPTIONAL_FIELD_LENGTH;
    }
    boolean sequence = GreHeader.hasSequence(flags);
    if (sequence) {
      out.hasSequence = true;
      out.sequence = buf.getUnsignedInt(q);
      q += GreHeader.OPTIONAL_FIELD_LENGTH;
    }
    switch (protocolType) {
      case GreProtocolType.ERSPAN_I_II:
        if (!sequence) {
          // Wireshark, Zeek, Suricata: no S means Type I, whatever C and K say.
          out.encapsulation = Encapsulation.ERSPAN_I;
          return ethernetFrame(q, end, out);
        }
        if (end - q < 4) {
          return out.fail(DecodeReason.ERSPAN_TRUNCATED);
        }
        int erspanWord0 = buf.getInt(q);
        return switch (erspanWord0 >>> 28) {
          case ErspanType2Header.VERSION -> erspanType2(buf, q, end, erspanWord0, out);
          // Ver=2 under 0x88BE: Wireshark switches on Ver and decodes Type III.
          case ErspanType3Header.VERSION -> erspanType3(buf, q, end, erspanWord0, out);
          default -> out.fail(DecodeReason.ERSPAN_BAD_VERSION);
        };
      case GreProtocolType.ERSPAN_III:
        // Always a header, S not required (two of four real Type III captures have flags 0).
        if (end - q < 4) {
          return out.fail(DecodeReason.ERSPAN_TRUNCATED);
        }
        int type3Word0 = buf.getInt(q);
        if (type3Word0 >>> 28 != ErspanType3Header.VERSION) {
          return out.fail(DecodeReason.ERSPAN_BAD_VERSION);
        }
        return erspanType3(buf, q, end, type3Word0, out);
      case GreProtocolType.TRANSPARENT_ETHERNET_BRIDGING:
        out.encapsulation = Encapsulation.GRE_TEB;
        return ethernetFrame(q, end, out);
      case GreProtocolType.IPV4:
      case GreProtocolType.IPV6:
        if (out.carrier != Carrier.UDP) {
          // Raw GRE carrying IP is a routed tunnel or a keepalive, not a mirror.
          return out.fail(DecodeReason.GRE_PROTOCOL_NOT_MIRROR);
        }
        out.encapsulation = Encapsulation.GRE_IP;
        return ipFrame(
            buf,
            q,
            end,
            protocolType == GreProtocolType.IPV4 ? Ipv4Header.VERSION : Ipv6Header.VERSION,
            out);
      default:
        return out.fail(DecodeReason.GRE_PROTOCOL_NOT_MIRROR);
    }
  }

  /** {@code word0}: the header's first word, already read. */
  private static Verdict erspanType2(ByteBuf buf, int p, int end, int word0, DecodedFrame out) {
    out.encapsulation = Encapsulation.ERSPAN_II;
    if (end - p < ErspanType2Header.LENGTH) {
      return out.fail(DecodeReason.ERSPAN_TRUNCATED);
    }
    out.erspanVersion = ErspanType2Header.VERSION;
    out.vlan = (word0 & ErspanType2Header.VLAN_MASK) >>> ErspanType2Header.VLAN_SHIFT;
    out.cos = (word0 & ErspanType2Header.COS_MASK) >>> ErspanType2Header.COS_SHIFT;
    out.encapsulationType =
        (word0 & ErspanType2Header.ENCAPSULATION_TYPE_MASK)
            >>> ErspanType2Header.ENCAPSULATION_TYPE_SHIFT;
    out.truncated = (word0 & ErspanType2Header.TRUNCATED_MASK) != 0;
    out.sessionId = word0 & ErspanType2Header.SESSION_ID_MASK;
    out.index = buf.getInt(p + ErspanType2Header.WORD1_OFFSET) & ErspanType2Header.INDEX_MASK;
    return ethernetFrame(p + ErspanType2Header.LENGTH, end, out);
  }

  /** {@code word0}: the header's first word, already read. */
  private static Verdict erspanType3(ByteBuf buf, int p, int end, int word0, DecodedFrame out) {
    out.encapsulation = Encapsulation.ERSPAN_III;
    if (end - p < ErspanType3Header.LENGTH) {
      return out.fail(DecodeReason.ERSPAN_TRUNCATED);
    }
    long timestamp = buf.getUnsignedInt(p + ErspanType3Header.TIMESTAMP_OFFSET);
    int word2 = buf.getInt(p + ErspanType3Header.WORD2_OFFSET);
    out.erspanVersion = ErspanType3Header.VERSION;
    out.vlan = (word0 & ErspanType3Header.VLAN_MASK) >>> ErspanType3Header.VLAN_SHIFT;
    out.cos = (word0 & ErspanType3Header.COS_MASK) >>> ErspanType3Header.COS_SHIFT;
    out.bso = (word0 & ErspanType3Header.BSO_MASK) >>> ErspanType3Header.BSO_SHIFT;
    out.truncated = (word0 & ErspanType3Header.TRUNCATED_MASK) != 0;
    out.sessionId = word0 & ErspanType3Header.SESSION_ID_MASK;
    out.timestamp = timestamp;
    out.sgt = (word2 & ErspanType3Header.SGT_MASK) >>> ErspanType3Header.SGT_SHIFT;
    out.pBit = (word2 & ErspanType3Header.P_MASK) != 0;
    int frameType =
        (word2 & ErspanType3Header.FRAME_TYPE_MASK) >>> ErspanType3Header.FRAME_TYPE_SHIFT;
    out.frameType = frameType;
    out.hardwareId =
        (word2 & ErspanType3Header.HARDWARE_ID_MASK) >>> ErspanType3Header.HARDWARE_ID_SHIFT;
    out.direction = (word2 & ErspanType3Header.DIRECTION_MASK) >>> 3;
    int granularity =
        (word2 & ErspanType3Header.GRANULARITY_MASK) >>> ErspanType3Header.GRANULARITY_SHIFT;
    out.granularity = granularity;
    boolean subHeader = (word2 & ErspanType3Header.O_MASK) != 0;
    int q = p + ErspanType3Header.LENGTH;
    if (subHeader) {
      if (end - q < ErspanPlatformSubHeader.LENGTH) {
        return out.fail(DecodeReason.ERSPAN_SUBHEADER_TRUNCATED);
      }
      platformSubHeader(buf.getLong(q), timestamp, granularity, out);
      q += ErspanPlatformSubHeader.LENGTH;
    }
    switch (frameType) {
      case ErspanType3Header.FRAME_TYPE_ETHERNET:
        return ethernetFrame(q, end, out);
      case ErspanType3Header.FRAME_TYPE_IP:
        return ipFrame(buf, q, end, 0, out);
      case ErspanType3Header.FRAME_TYPE_7_UNDECLARED_SUB_HEADER:
        if (subHeader) {
          // Unseen combination: whether a further block follows is unknown, refuse to guess.
          return out.fail(DecodeReason.ERSPAN_FRAME_TYPE_UNSUPPORTED);
        }
        // tcpdump/erspan-type-iii-ft-7.pcap: 8 undeclared bytes, shaped like sub-header id 0/7.
        if (end - q < ErspanPlatformSubHeader.LENGTH) {
          return out.fail(DecodeReason.ERSPAN_SUBHEADER_TRUNCATED);
        }
        platformSubHeader(buf.getLong(q), timestamp, granularity, out);
        out.undeclaredBytesSkipped = ErspanPlatformSubHeader.LENGTH;
        return ethernetFrame(q + ErspanPlatformSubHeader.LENGTH, end, out);
      default:
        return out.fail(DecodeReason.ERSPAN_FRAME_TYPE_UNSUPPORTED);
    }
  }

  private static void platformSubHeader(
      long raw, long timestamp, int granularity, DecodedFrame out) {
    int platformId = ErspanPlatformSubHeader.platformId(raw);
    out.subHeaderPresent = true;
    out.platformId = platformId;
    out.platformSubHeader = raw;
    if (granularity == ErspanType3Header.GRANULARITY_CUSTOM
        && ErspanPlatformSubHeader.carriesUpperTimestamp(platformId)) {
      long ns = (raw << 32) | timestamp;
      out.captureTimeNs = ns >= 0 ? ns : -1;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Inner frame
  // ---------------------------------------------------------------------------------------------

  private static Verdict ethernetFrame(int start, int end, DecodedFrame out) {
    out.innerProtocol = InnerProtocol.ETHERNET;
    int length = end - start;
    if (length == 0) {
      return out.fail(DecodeReason.INNER_FRAME_EMPTY);
    }
    if (length < ETHERNET_HEADER_LENGTH) {
      return out.fail(DecodeReason.INNER_ETHERNET_TOO_SHORT);
    }
    return found(start, length, out);
  }

  /** {@code expectedVersion} 0 accepts 4 and 6. */
  private static Verdict ipFrame(
      ByteBuf buf, int start, int end, int expectedVersion, DecodedFrame out) {
    int length = end - start;
    if (length == 0) {
      return out.fail(DecodeReason.INNER_FRAME_EMPTY);
    }
    int version = buf.getUnsignedByte(start) >>> 4;
    if (expectedVersion != 0 && version != expectedVersion) {
      return out.fail(DecodeReason.INNER_IP_BAD_VERSION);
    }
    int minimum;
    if (version == Ipv4Header.VERSION) {
      out.innerProtocol = InnerProtocol.IPV4;
      minimum = Ipv4Header.MIN_LENGTH;
    } else if (version == Ipv6Header.VERSION) {
      out.innerProtocol = InnerProtocol.IPV6;
      minimum = Ipv6Header.LENGTH;
    } else {
      return out.fail(DecodeReason.INNER_IP_BAD_VERSION);
    }
    if (length < minimum) {
      return out.fail(DecodeReason.INNER_IP_TOO_SHORT);
    }
    return found(start, length, out);
  }

  private static Verdict found(int start, int length, DecodedFrame out) {
    out.innerOffset = start;
    out.innerLength = length;
    out.reason = DecodeReason.NONE;
    out.verdict = Verdict.FRAME;
    return Verdict.FRAME;
  }
}

package dev.tapwire.wire.tunnel;

import io.netty.buffer.ByteBuf;

/**
 * The mutable, reusable result of one {@link TunnelClassifier} call. Allocate one per thread and
 * reuse it for every packet: nothing is allocated per packet.
 *
 * <p>The inner frame is a view into the buffer that was classified ({@link #innerOffset()}, {@link
 * #innerLength()}): it is never copied, and valid only as long as that buffer is. Fields are filled
 * as far as parsing got, so a {@link Verdict#NOT_TUNNEL} or {@link Verdict#INVALID} result still
 * shows, for example, the outer addresses and the GRE protocol type. Absent numeric fields are -1
 * (0 for {@link #outerIpVersion()} and {@link #addressLength()}), absent enums are {@code null}.
 *
 * <p>Stream key (see {@code wire/DESIGN.md}): ({@link #carrier()}, {@link #outerSourceAddress()},
 * {@link #outerDestinationAddress()}, {@link #encapsulation()}, {@link #streamId()}). {@link
 * #streamKeyHash()} hashes exactly these.
 */
public final class DecodedFrame {
  private static final int MAX_ADDRESS_LENGTH = 16;

  Verdict verdict;
  DecodeReason reason;
  Encapsulation encapsulation;
  Carrier carrier;
  InnerProtocol innerProtocol;
  int innerOffset;
  int innerLength;

  int outerIpVersion;
  int outerIpOffset;
  int outerIpTotalLength;
  int outerIpProtocol;
  int addressLength;
  final byte[] outerSourceAddress = new byte[MAX_ADDRESS_LENGTH];
  final byte[] outerDestinationAddress = new byte[MAX_ADDRESS_LENGTH];
  int outerSourcePort;
  int outerDestinationPort;
  int ipv4Identification;
  int fragmentOffsetBytes;
  boolean moreFragments;
  boolean dontFragment;

  int greOffset;
  int greHeaderLength;
  int greFlags;
  int greProtocolType;
  boolean hasKey;
  long key;
  boolean hasSequence;
  long sequence;
  boolean checksumPresent;
  boolean checksumValid;

  int erspanVersion;
  int vlan;
  int cos;
  int encapsulationType;
  int bso;
  boolean truncated;
  int sessionId;
  int index;
  long timestamp;
  int granularity;
  int sgt;
  boolean pBit;
  int frameType;
  int hardwareId;
  int direction;
  boolean subHeaderPresent;
  int platformId;
  long platformSubHeader;
  long captureTimeNs;
  int undeclaredBytesSkipped;

  int vni;

  /** A frame with every field reset. */
  public DecodedFrame() {
    reset();
  }

  /** Clears every field, including the outer addresses and ports. */
  public void reset() {
    outerIpVersion = 0;
    outerIpOffset = -1;
    outerIpTotalLength = -1;
    outerIpProtocol = -1;
    addressLength = 0;
    outerSourcePort = -1;
    outerDestinationPort = -1;
    ipv4Identification = -1;
    fragmentOffsetBytes = -1;
    moreFragments = false;
    dontFragment = false;
    resetTunnel();
  }

  /**
   * Clears the verdict and everything found from the tunnel header on, but keeps the outer IP/UDP
   * fields. {@link TunnelClassifier#classifyGre} and {@link TunnelClassifier#classifyUdpPayload}
   * start with this, so outer addresses set by the caller survive.
   */
  void resetTunnel() {
    verdict = null;
    reason = null;
    encapsulation = null;
    carrier = null;
    innerProtocol = null;
    innerOffset = -1;
    innerLength = 0;
    greOffset = -1;
    greHeaderLength = -1;
    greFlags = -1;
    greProtocolType = -1;
    hasKey = false;
    key = -1;
    hasSequence = false;
    sequence = -1;
    checksumPresent = false;
    checksumValid = false;
    erspanVersion = -1;
    vlan = -1;
    cos = -1;
    encapsulationType = -1;
    bso = -1;
    truncated = false;
    sessionId = -1;
    index = -1;
    timestamp = -1;
    granularity = -1;
    sgt = -1;
    pBit = false;
    frameType = -1;
    hardwareId = -1;
    direction = -1;
    subHeaderPresent = false;
    platformId = -1;
    platformSubHeader = 0;
    captureTimeNs = -1;
    undeclaredBytesSkipped = 0;
    vni = -1;
  }

  Verdict fail(DecodeReason failure) {
    reason = failure;
    verdict = failure.verdict();
    return verdict;
  }

  // ---- setters for callers whose socket strips the outer headers ----

  /**
   * Sets IPv4 outer addresses (for receivers that see no IP header). Call after {@link #reset()}
   * and before {@link TunnelClassifier#classifyGre} or {@link TunnelClassifier#classifyUdpPayload}.
   */
  public DecodedFrame setOuterIpv4(int sourceAddress, int destinationAddress) {
    outerIpVersion = 4;
    addressLength = 4;
    putInt(outerSourceAddress, 0, sourceAddress);
    putInt(outerDestinationAddress, 0, destinationAddress);
    return this;
  }

  /**
   * Sets outer addresses from {@code length} bytes (4 or 16) of each array, copied: a raw IPv6
   * socket delivers no IP header, only the peer address.
   */
  public DecodedFrame setOuterAddresses(byte[] source, byte[] destination, int length) {
    if (length != 4 && length != MAX_ADDRESS_LENGTH) {
      throw new IllegalArgumentException("address length must be 4 or 16: " + length);
    }
    outerIpVersion = length == 4 ? 4 : 6;
    addressLength = length;
    System.arraycopy(source, 0, outerSourceAddress, 0, length);
    System.arraycopy(destination, 0, outerDestinationAddress, 0, length);
    return this;
  }

  /** Sets outer addresses from {@code length} bytes (4 or 16) at absolute buffer offsets. */
  public DecodedFrame setOuterAddresses(
      ByteBuf buf, int sourceOffset, int destinationOffset, int length) {
    if (length != 4 && length != MAX_ADDRESS_LENGTH) {
      throw new IllegalArgumentException("address length must be 4 or 16: " + length);
    }
    outerIpVersion = length == 4 ? 4 : 6;
    addressLength = length;
    copyAddress(buf, sourceOffset, outerSourceAddress, length);
    copyAddress(buf, destinationOffset, outerDestinationAddress, length);
    return this;
  }

  /** Sets the outer UDP ports (for UDP receivers; {@code classifyUdpPayload} sets the dst port). */
  public DecodedFrame setOuterUdpPorts(int sourcePort, int destinationPort) {
    outerSourcePort = sourcePort;
    outerDestinationPort = destinationPort;
    return this;
  }

  /**
   * Describes a frame that arrived already decapsulated (the gRPC transport): an Ethernet frame of
   * {@code innerLength} bytes at offset 0, in session {@code sessionId}, with the sender's frame
   * sequence number (its low 32 bits are used, like a GRE sequence number). Call after {@link
   * #reset()} and {@link #setOuterAddresses(byte[], byte[], int)}.
   *
   * @param direction 0 received, 1 sent, -1 unknown (as ERSPAN III's D bit)
   * @return {@link Verdict#FRAME}
   */
  public Verdict setDecapsulated(
      int innerLength,
      int sessionId,
      long frameSequence,
      long captureTimeNs,
      int direction,
      boolean truncated) {
    resetTunnel();
    this.verdict = Verdict.FRAME;
    this.reason = DecodeReason.NONE;
    this.encapsulation = Encapsulation.GRPC;
    this.carrier = Carrier.GRPC;
    this.innerProtocol = InnerProtocol.ETHERNET;
    this.innerOffset = 0;
    this.innerLength = innerLength;
    this.sessionId = sessionId;
    this.hasSequence = true;
    this.sequence = frameSequence & 0xFFFF_FFFFL;
    this.captureTimeNs = captureTimeNs;
    this.direction = direction;
    this.truncated = truncated;
    return verdict;
  }

  static void putInt(byte[] array, int index, int value) {
    array[index] = (byte) (value >>> 24);
    array[index + 1] = (byte) (value >>> 16);
    array[index + 2] = (byte) (value >>> 8);
    array[index + 3] = (byte) value;
  }

  /**
   * Copies a 4- or 16-byte address with int reads: {@code ByteBuf.getBytes} into an array may
   * allocate a temporary NIO view on direct buffers.
   */
  static void copyAddress(ByteBuf buf, int offset, byte[] address, int length) {
    for (int i = 0; i < length; i += 4) {
      putInt(address, i, buf.getInt(offset + i));
    }
  }

  // ---- verdict and inner frame ----

  public Verdict verdict() {
    return verdict;
  }

  public DecodeReason reason() {
    return reason;
  }

  public boolean isFrame() {
    return verdict == Verdict.FRAME;
  }

  /** The encapsulation, once recognised (also on some INVALID results); else null. */
  public Encapsulation encapsulation() {
    return encapsulation;
  }

  /** How the tunnel header arrived (GRE in IP, or a UDP payload); null before that point. */
  public Carrier carrier() {
    return carrier;
  }

  /** True when the tunnel header was in a UDP payload (VXLAN, GRE-in-UDP). */
  public boolean overUdp() {
    return carrier == Carrier.UDP;
  }

  public InnerProtocol innerProtocol() {
    return innerProtocol;
  }

  /** Absolute offset of the inner frame in the classified buffer; -1 unless FRAME. */
  public int innerOffset() {
    return innerOffset;
  }

  /** Length of the inner frame (bounded by the outer IP/UDP length, never by buffer length). */
  public int innerLength() {
    return innerLength;
  }

  // ---- outer IP / UDP ----

  /** 4 or 6; 0 when unknown. */
  public int outerIpVersion() {
    return outerIpVersion;
  }

  public int outerIpOffset() {
    return outerIpOffset;
  }

  /** IPv4 total length, or 40 + IPv6 payload length. */
  public int outerIpTotalLength() {
    return outerIpTotalLength;
  }

  /** The IPv4 protocol or the final IPv6 next header (after extension headers). */
  public int outerIpProtocol() {
    return outerIpProtocol;
  }

  /** 4 or 16; 0 when unknown. */
  public int addressLength() {
    return addressLength;
  }

  /**
   * The outer source address in the first {@link #addressLength()} bytes of the returned array. The
   * array is this object's own storage: read it, do not modify or keep it.
   */
  public byte[] outerSourceAddress() {
    return outerSourceAddress;
  }

  /** The outer destination address; same contract as {@link #outerSourceAddress()}. */
  public byte[] outerDestinationAddress() {
    return outerDestinationAddress;
  }

  /** The outer IPv4 source address as an int (meaningful when {@link #addressLength()} is 4). */
  public int outerSourceIpv4() {
    return getInt(outerSourceAddress, 0);
  }

  /** The outer IPv4 destination address as an int. */
  public int outerDestinationIpv4() {
    return getInt(outerDestinationAddress, 0);
  }

  /** UDP source port, -1 when not UDP. */
  public int outerSourcePort() {
    return outerSourcePort;
  }

  /** UDP destination port, -1 when not UDP. */
  public int outerDestinationPort() {
    return outerDestinationPort;
  }

  /** IPv4 identification, -1 for IPv6 or when unknown. */
  public int ipv4Identification() {
    return ipv4Identification;
  }

  /** IPv4 fragment offset in bytes, -1 for IPv6 or when unknown. */
  public int fragmentOffsetBytes() {
    return fragmentOffsetBytes;
  }

  public boolean moreFragments() {
    return moreFragments;
  }

  public boolean dontFragment() {
    return dontFragment;
  }

  // ---- GRE ----

  public int greOffset() {
    return greOffset;
  }

  public int greHeaderLength() {
    return greHeaderLength;
  }

  /** The first 16 bits of the GRE header (flags and version), -1 when no GRE. */
  public int greFlags() {
    return greFlags;
  }

  public int greProtocolType() {
    return greProtocolType;
  }

  public boolean hasKey() {
    return hasKey;
  }

  /** The GRE key, unsigned 32-bit; -1 when absent. */
  public long key() {
    return key;
  }

  public boolean hasSequence() {
    return hasSequence;
  }

  /** The GRE sequence number, unsigned 32-bit; -1 when absent. */
  public long sequence() {
    return sequence;
  }

  /** GRE C bit: a checksum is present. */
  public boolean checksumPresent() {
    return checksumPresent;
  }

  /**
   * The GRE checksum verified. A bad checksum does not change the verdict; count it from here.
   * False when no checksum is present.
   */
  public boolean checksumValid() {
    return checksumValid;
  }

  // ---- ERSPAN ----

  /** The ERSPAN header Ver: 1 (Type II), 2 (Type III); -1 without a header (Type I, TEB, VXLAN). */
  public int erspanVersion() {
    return erspanVersion;
  }

  public int vlan() {
    return vlan;
  }

  public int cos() {
    return cos;
  }

  /** Type II En (original encapsulation, metadata only), else -1. */
  public int encapsulationType() {
    return encapsulationType;
  }

  /** Type III BSO (bad/short/oversized), else -1. */
  public int bso() {
    return bso;
  }

  /** ERSPAN T: the mirrored copy was truncated. */
  public boolean truncated() {
    return truncated;
  }

  public int sessionId() {
    return sessionId;
  }

  /** Type II index, else -1. */
  public int index() {
    return index;
  }

  /** Type III 32-bit timestamp (units per {@link #granularity()}), unsigned; else -1. */
  public long timestamp() {
    return timestamp;
  }

  public int granularity() {
    return granularity;
  }

  public int sgt() {
    return sgt;
  }

  /** Type III P ("Has Ethernet PDU"). */
  public boolean pBit() {
    return pBit;
  }

  public int frameType() {
    return frameType;
  }

  public int hardwareId() {
    return hardwareId;
  }

  /** 0 ingress, 1 egress (Type III D); -1 when unknown. */
  public int direction() {
    return direction;
  }

  /**
   * True when 8 bytes were decoded as a platform sub-header: declared by O=1, or the undeclared
   * block of the FT=7 quirk ({@link #undeclaredBytesSkipped()} is then 8).
   */
  public boolean subHeaderPresent() {
    return subHeaderPresent;
  }

  /** Platform id of the sub-header, -1 when none. */
  public int platformId() {
    return platformId;
  }

  /**
   * The raw 64-bit sub-header (0 when none); decode with {@code
   * dev.tapwire.wire.erspan.ErspanPlatformSubHeader}.
   */
  public long platformSubHeader() {
    return platformSubHeader;
  }

  /**
   * The capture time in ns since the Unix epoch when the header makes it derivable (Gra=3 with a
   * sub-header of id 3, 7 or 0 carrying the upper 32 bits); else -1.
   */
  public long captureTimeNs() {
    return captureTimeNs;
  }

  /** Bytes skipped between the ERSPAN header and the frame that no field declared (FT=7 quirk). */
  public int undeclaredBytesSkipped() {
    return undeclaredBytesSkipped;
  }

  // ---- VXLAN ----

  /** The 24-bit VNI, -1 when not VXLAN. */
  public int vni() {
    return vni;
  }

  // ---- stream key ----

  /**
   * The per-source stream discriminator: the session id for ERSPAN II/III, the VNI for VXLAN, the
   * GRE key for TEB (and GRE-in-UDP IP) when K is set; else -1 (ERSPAN I, unkeyed TEB).
   */
  public long streamId() {
    if (encapsulation == null) {
      return -1;
    }
    return switch (encapsulation) {
      case ERSPAN_II, ERSPAN_III -> sessionId;
      case VXLAN -> vni;
      case GRPC -> sessionId;
      case GRE_TEB, GRE_IP -> hasKey ? key : -1;
      case ERSPAN_I -> -1;
    };
  }

  /**
   * A 64-bit hash of the stream key (carrier, outer source and destination address, encapsulation,
   * stream id); allocation-free, for open-addressing maps. Equal keys give equal hashes.
   */
  public long streamKeyHash() {
    long h = 0x9E37_79B9_7F4A_7C15L;
    h = mix(h, carrier == null ? -1 : carrier.ordinal());
    h = mix(h, encapsulation == null ? -1 : encapsulation.ordinal());
    h = mix(h, streamId());
    h = mix(h, addressLength);
    for (int i = 0; i < addressLength; i += 4) {
      h =
          mix(
              h,
              (long) getInt(outerSourceAddress, i) << 32
                  | (getInt(outerDestinationAddress, i) & 0xFFFF_FFFFL));
    }
    return h;
  }

  private static int getInt(byte[] a, int i) {
    return (a[i] & 0xFF) << 24
        | (a[i + 1] & 0xFF) << 16
        | (a[i + 2] & 0xFF) << 8
        | (a[i + 3] & 0xFF);
  }

  private static long mix(long h, long v) {
    long x = (h ^ v) * 0xBF58_476D_1CE4_E5B9L;
    x ^= x >>> 31;
    x *= 0x94D0_49BB_1331_11EBL;
    return x ^ (x >>> 29);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(256).append("DecodedFrame{").append(verdict);
    sb.append(' ').append(reason == null ? null : reason.label());
    if (encapsulation != null) {
      sb.append(" encap=").append(encapsulation.label());
    }
    if (carrier != null) {
      sb.append(" carrier=").append(carrier.label());
    }
    if (innerProtocol != null) {
      sb.append(" inner=").append(innerProtocol.label());
    }
    if (innerOffset >= 0) {
      sb.append(" innerOffset=").append(innerOffset).append(" innerLength=").append(innerLength);
    }
    if (addressLength != 0) {
      sb.append(" outer=");
      appendAddress(sb, outerSourceAddress);
      sb.append("->");
      appendAddress(sb, outerDestinationAddress);
      sb.append(" ipLen=").append(outerIpTotalLength).append(" proto=").append(outerIpProtocol);
    }
    if (ipv4Identification >= 0 && (moreFragments || fragmentOffsetBytes > 0)) {
      sb.append(" id=")
          .append(ipv4Identification)
          .append(" fragOffset=")
          .append(fragmentOffsetBytes);
      sb.append(" mf=").append(moreFragments);
    }
    if (outerDestinationPort >= 0) {
      sb.append(" udp=").append(outerSourcePort).append("->").append(outerDestinationPort);
    }
    if (greProtocolType >= 0) {
      sb.append(" gre=0x").append(Integer.toHexString(greFlags));
      sb.append("/0x").append(Integer.toHexString(greProtocolType));
      if (hasKey) {
        sb.append(" key=").append(key);
      }
      if (hasSequence) {
        sb.append(" seq=").append(sequence);
      }
      if (checksumPresent) {
        sb.append(" checksumValid=").append(checksumValid);
      }
    }
    if (erspanVersion >= 0) {
      sb.append(" ver=").append(erspanVersion).append(" session=").append(sessionId);
      sb.append(" vlan=").append(vlan).append(" cos=").append(cos).append(" t=").append(truncated);
      if (erspanVersion == 1) {
        sb.append(" en=").append(encapsulationType).append(" index=").append(index);
      } else {
        sb.append(" bso=").append(bso).append(" ts=").append(timestamp);
        sb.append(" gra=").append(granularity).append(" sgt=").append(sgt);
        sb.append(" p=").append(pBit).append(" ft=").append(frameType);
        sb.append(" hw=").append(hardwareId).append(" d=").append(direction);
      }
    }
    if (subHeaderPresent) {
      sb.append(" platformId=").append(platformId);
      sb.append(" subHeader=0x").append(Long.toHexString(platformSubHeader));
      if (undeclaredBytesSkipped != 0) {
        sb.append(" undeclared=").append(undeclaredBytesSkipped);
      }
    }
    if (captureTimeNs >= 0) {
      sb.append(" captureTimeNs=").append(captureTimeNs);
    }
    if (vni >= 0) {
      sb.append(" vni=").append(vni);
    }
    return sb.append('}').toString();
  }

  private void appendAddress(StringBuilder sb, byte[] address) {
    if (addressLength == 4) {
      for (int i = 0; i < 4; i++) {
        if (i > 0) {
          sb.append('.');
        }
        sb.append(address[i] & 0xFF);
      }
    } else {
      for (int i = 0; i < addressLength; i += 2) {
        if (i > 0) {
          sb.append(':');
        }
        sb.append(Integer.toHexString((address[i] & 0xFF) << 8 | (address[i + 1] & 0xFF)));
      }
    }
  }
}

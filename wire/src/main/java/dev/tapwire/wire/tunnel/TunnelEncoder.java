package dev.tapwire.wire.tunnel;

import dev.tapwire.wire.erspan.ErspanEncoder;
import dev.tapwire.wire.erspan.ErspanType2Header;
import dev.tapwire.wire.gre.GreEncoder;
import dev.tapwire.wire.gre.GreHeader;
import dev.tapwire.wire.gre.GreProtocolType;
import dev.tapwire.wire.vxlan.VxlanEncoder;
import dev.tapwire.wire.vxlan.VxlanHeader;
import io.netty.buffer.ByteBuf;

/**
 * Writes the complete tunnel header that precedes a mirrored frame, at the writer index of a
 * caller-supplied buffer: GRE+ERSPAN I/II/III, GRE+TEB or VXLAN. The outer IP (and UDP) header is
 * not written: the kernel adds it on a raw IP or UDP socket. Allocation-free; capacity is ensured
 * before the first byte is written. The caller appends the frame right after.
 *
 * <p>Sequence numbers and keys are {@code long}s of which the low 32 bits are written, so a
 * per-session counter can simply be incremented and wraps from 0xFFFFFFFF to 0 on the wire.
 */
public final class TunnelEncoder {
  /** GRE (4) for ERSPAN Type I. */
  public static final int ERSPAN_I_HEADER_LENGTH = GreHeader.BASE_LENGTH;

  /** GRE with sequence (8) + ERSPAN Type II (8). */
  public static final int ERSPAN_II_HEADER_LENGTH = 8 + ErspanType2Header.LENGTH;

  /** GRE with sequence (8) + ERSPAN Type III (12) + platform sub-header id 3 (8). */
  public static final int ERSPAN_III_HEADER_LENGTH = 8 + ErspanEncoder.TYPE3_WITH_SUB_HEADER_LENGTH;

  /** VXLAN (8). */
  public static final int VXLAN_HEADER_LENGTH = VxlanHeader.LENGTH;

  private TunnelEncoder() {}

  /**
   * GRE 0x88BE without flags: ERSPAN Type I (no header, no sequence number).
   *
   * @return the number of bytes written (4)
   */
  public static int writeErspanI(ByteBuf out) {
    return GreEncoder.write(out, GreProtocolType.ERSPAN_I_II);
  }

  /**
   * GRE 0x88BE with S and the sequence number, then an ERSPAN Type II header (Ver=1).
   *
   * @param encapsulationType En, 0-3 (metadata only)
   * @param index the 20-bit port/index
   * @return the number of bytes written (16)
   */
  public static int writeErspanII(
      ByteBuf out,
      long sequence,
      int sessionId,
      int vlan,
      int cos,
      int encapsulationType,
      boolean truncated,
      int index) {
    out.ensureWritable(ERSPAN_II_HEADER_LENGTH);
    int start = out.writerIndex();
    try {
      GreEncoder.writeWithSequence(out, GreProtocolType.ERSPAN_I_II, sequence);
      ErspanEncoder.writeType2(out, sessionId, vlan, cos, encapsulationType, truncated, index);
    } catch (IllegalArgumentException e) {
      out.writerIndex(start);
      throw e;
    }
    return ERSPAN_II_HEADER_LENGTH;
  }

  /**
   * GRE 0x22EB with S and the sequence number, then an ERSPAN Type III header carrying the full
   * 64-bit capture time: Gra=3, timestamp = low 32 bits, O=1 with a platform id 3 sub-header whose
   * second word holds the upper 32 bits (FT=0, P=1, SGT 0).
   *
   * @param bso Bad/Short/Oversized, 0-3
   * @param captureTimeNs nanoseconds since the Unix epoch, &gt;= 0
   * @param direction 0 ingress, 1 egress
   * @param portIndex the sub-header's 14-bit port id/index
   * @return the number of bytes written (28)
   */
  public static int writeErspanIII(
      ByteBuf out,
      long sequence,
      int sessionId,
      int vlan,
      int cos,
      int bso,
      boolean truncated,
      long captureTimeNs,
      int hardwareId,
      int direction,
      int portIndex) {
    out.ensureWritable(ERSPAN_III_HEADER_LENGTH);
    int start = out.writerIndex();
    try {
      GreEncoder.writeWithSequence(out, GreProtocolType.ERSPAN_III, sequence);
      ErspanEncoder.writeType3EpochNs(
          out,
          sessionId,
          vlan,
          cos,
          bso,
          truncated,
          captureTimeNs,
          hardwareId,
          direction,
          portIndex);
    } catch (IllegalArgumentException e) {
      out.writerIndex(start);
      throw e;
    }
    return ERSPAN_III_HEADER_LENGTH;
  }

  /**
   * GRE 0x6558 (Transparent Ethernet Bridging), with the key and/or sequence number when asked.
   *
   * @return the number of bytes written (4, 8 or 12)
   */
  public static int writeGreTeb(
      ByteBuf out, boolean withKey, long key, boolean withSequence, long sequence) {
    int flags = (withKey ? GreHeader.FLAG_KEY : 0) | (withSequence ? GreHeader.FLAG_SEQUENCE : 0);
    return GreEncoder.write(
        out, flags, GreProtocolType.TRANSPARENT_ETHERNET_BRIDGING, key, sequence);
  }

  /**
   * A VXLAN header (I flag, 24-bit VNI), to be sent in a UDP datagram to port 4789.
   *
   * @return the number of bytes written (8)
   */
  public static int writeVxlan(ByteBuf out, int vni) {
    return VxlanEncoder.write(out, vni);
  }

  /** The length {@link #writeGreTeb} writes for these options. */
  public static int greTebHeaderLength(boolean withKey, boolean withSequence) {
    return GreHeader.BASE_LENGTH
        + (withKey ? GreHeader.OPTIONAL_FIELD_LENGTH : 0)
        + (withSequence ? GreHeader.OPTIONAL_FIELD_LENGTH : 0);
  }
}

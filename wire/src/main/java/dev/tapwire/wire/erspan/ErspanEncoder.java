package dev.tapwire.wire.erspan;

import io.netty.buffer.ByteBuf;

/**
 * Writes ERSPAN Type II and Type III headers (without the GRE header; see {@code
 * dev.tapwire.wire.tunnel.TunnelEncoder} for complete tunnel headers) at the writer index of a
 * caller-supplied buffer. Allocation-free; capacity is ensured before the first byte is written, so
 * a failure leaves the buffer unchanged. Out-of-range field values are programming errors and throw
 * {@link IllegalArgumentException}.
 *
 * @see ErspanType2Header
 * @see ErspanType3Header
 * @see ErspanPlatformSubHeader
 */
public final class ErspanEncoder {
  /** Length of a Type III header with the platform sub-header, as {@link #writeType3EpochNs}. */
  public static final int TYPE3_WITH_SUB_HEADER_LENGTH =
      ErspanType3Header.LENGTH + ErspanPlatformSubHeader.LENGTH;

  private ErspanEncoder() {}

  /**
   * Writes an 8-byte Type II header (Ver=1).
   *
   * @param encapsulationType En, 0-3 (metadata only; the frame is never rewritten)
   * @return the number of bytes written (8)
   */
  public static int writeType2(
      ByteBuf out,
      int sessionId,
      int vlan,
      int cos,
      int encapsulationType,
      boolean truncated,
      int index) {
    checkCommon(sessionId, vlan, cos, encapsulationType);
    if ((index & ~ErspanType2Header.INDEX_MASK) != 0) {
      throw new IllegalArgumentException("index is not 20-bit: " + index);
    }
    out.ensureWritable(ErspanType2Header.LENGTH);
    out.writeInt(
        word0(ErspanType2Header.VERSION, sessionId, vlan, cos, encapsulationType, truncated));
    out.writeInt(index);
    return ErspanType2Header.LENGTH;
  }

  /**
   * Writes a 12-byte Type III header (Ver=2) exactly as given. When {@code subHeader} is true the O
   * bit is set and the caller must write the 8-byte platform sub-header next (see {@link
   * #writePlatformSubHeader}).
   *
   * @param bso Bad/Short/Oversized, 0-3
   * @param timestamp the low 32 bits are written
   * @param direction 0 ingress, 1 egress
   * @param granularity Gra, 0-3
   * @return the number of bytes written (12)
   */
  public static int writeType3(
      ByteBuf out,
      int sessionId,
      int vlan,
      int cos,
      int bso,
      boolean truncated,
      long timestamp,
      int sgt,
      boolean pBit,
      int frameType,
      int hardwareId,
      int direction,
      int granularity,
      boolean subHeader) {
    checkCommon(sessionId, vlan, cos, bso);
    if ((sgt & ~0xFFFF) != 0
        || (frameType & ~0x1F) != 0
        || (hardwareId & ~ErspanType3Header.MAX_HARDWARE_ID) != 0
        || (direction & ~1) != 0
        || (granularity & ~3) != 0) {
      throw new IllegalArgumentException(
          "ERSPAN III field out of range: sgt="
              + sgt
              + " frameType="
              + frameType
              + " hardwareId="
              + hardwareId
              + " direction="
              + direction
              + " granularity="
              + granularity);
    }
    out.ensureWritable(ErspanType3Header.LENGTH);
    out.writeInt(word0(ErspanType3Header.VERSION, sessionId, vlan, cos, bso, truncated));
    out.writeInt((int) timestamp);
    out.writeInt(
        sgt << ErspanType3Header.SGT_SHIFT
            | (pBit ? ErspanType3Header.P_MASK : 0)
            | frameType << ErspanType3Header.FRAME_TYPE_SHIFT
            | hardwareId << ErspanType3Header.HARDWARE_ID_SHIFT
            | direction << 3
            | granularity << ErspanType3Header.GRANULARITY_SHIFT
            | (subHeader ? ErspanType3Header.O_MASK : 0));
    return ErspanType3Header.LENGTH;
  }

  /**
   * Writes a Type III header carrying the full 64-bit capture time in nanoseconds since the Unix
   * epoch, as {@code zeek/gre-erspan3-dot1q.pcap} does: Gra=3 (custom), header timestamp = low 32
   * bits, O=1 and a platform id 3 sub-header whose second word is the upper 32 bits. FT=0
   * (Ethernet), P=1, SGT 0. Decoding yields {@code captureTimeNs} again for any value &gt;= 0.
   *
   * @param portIndex the sub-header's 14-bit port id/index
   * @return the number of bytes written (20)
   * @throws IllegalArgumentException if {@code captureTimeNs} is negative
   */
  public static int writeType3EpochNs(
      ByteBuf out,
      int sessionId,
      int vlan,
      int cos,
      int bso,
      boolean truncated,
      long captureTimeNs,
      int hardwareId,
      int direction,
      int portIndex) {
    if (captureTimeNs < 0) {
      throw new IllegalArgumentException("captureTimeNs is negative: " + captureTimeNs);
    }
    long subHeader = ErspanPlatformSubHeader.id3(portIndex, captureTimeNs >>> 32);
    out.ensureWritable(TYPE3_WITH_SUB_HEADER_LENGTH);
    writeType3(
        out,
        sessionId,
        vlan,
        cos,
        bso,
        truncated,
        captureTimeNs,
        0,
        true,
        ErspanType3Header.FRAME_TYPE_ETHERNET,
        hardwareId,
        direction,
        ErspanType3Header.GRANULARITY_CUSTOM,
        true);
    out.writeLong(subHeader);
    return TYPE3_WITH_SUB_HEADER_LENGTH;
  }

  /** Writes an 8-byte platform sub-header given as its raw 64-bit value. */
  public static int writePlatformSubHeader(ByteBuf out, long raw) {
    out.writeLong(raw);
    return ErspanPlatformSubHeader.LENGTH;
  }

  private static void checkCommon(int sessionId, int vlan, int cos, int twoBitField) {
    if ((sessionId & ~ErspanType2Header.MAX_SESSION_ID) != 0
        || (vlan & ~ErspanType2Header.MAX_VLAN) != 0
        || (cos & ~7) != 0
        || (twoBitField & ~3) != 0) {
      throw new IllegalArgumentException(
          "ERSPAN field out of range: sessionId="
              + sessionId
              + " vlan="
              + vlan
              + " cos="
              + cos
              + " en/bso="
              + twoBitField);
    }
  }

  private static int word0(
      int version, int sessionId, int vlan, int cos, int twoBitField, boolean truncated) {
    return version << 28
        | vlan << ErspanType2Header.VLAN_SHIFT
        | cos << ErspanType2Header.COS_SHIFT
        | twoBitField << ErspanType2Header.ENCAPSULATION_TYPE_SHIFT
        | (truncated ? ErspanType2Header.TRUNCATED_MASK : 0)
        | sessionId;
  }
}

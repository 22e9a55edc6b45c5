package dev.tapwire.wire.vxlan;

import io.netty.buffer.ByteBuf;

/**
 * Writes the 8-byte VXLAN header (RFC 7348 §5: flags 0x08, reserved bits zero) at the writer index
 * of a caller-supplied buffer. Allocation-free.
 *
 * @see VxlanHeader
 */
public final class VxlanEncoder {
  private VxlanEncoder() {}

  /**
   * Writes a header with the I flag and {@code vni}.
   *
   * @return the number of bytes written (8)
   * @throws IllegalArgumentException if {@code vni} is not 24-bit
   */
  public static int write(ByteBuf out, int vni) {
    if ((vni & ~VxlanHeader.MAX_VNI) != 0) {
      throw new IllegalArgumentException("vni is not 24-bit: " + vni);
    }
    out.ensureWritable(VxlanHeader.LENGTH);
    out.writeInt(VxlanHeader.FLAG_I << 24);
    out.writeInt(vni << VxlanHeader.VNI_SHIFT);
    return VxlanHeader.LENGTH;
  }
}

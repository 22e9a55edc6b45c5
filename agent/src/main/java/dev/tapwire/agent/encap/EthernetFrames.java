package dev.tapwire.agent.encap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Reads (never writes) the few Ethernet fields the encapsulation reports as metadata. Every read is
 * bounded by the captured length.
 */
final class EthernetFrames {
  static final ValueLayout.OfShort U16 = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  static final ValueLayout.OfInt U32 = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  static final int ETHERTYPE_OFFSET = 12;
  static final int TPID_8021Q = 0x8100;
  static final int TPID_8021AD = 0x88a8;

  private EthernetFrames() {}

  /**
   * The tag control information of the outermost 802.1Q/802.1ad tag (priority in the top 3 bits,
   * VLAN id in the low 12), or -1 for an untagged frame.
   */
  static int outerTagControl(MemorySegment frame, int length) {
    if (length < ETHERTYPE_OFFSET + 4) {
      return -1;
    }
    int tpid = unsigned16(frame, ETHERTYPE_OFFSET);
    if (tpid != TPID_8021Q && tpid != TPID_8021AD) {
      return -1;
    }
    return unsigned16(frame, ETHERTYPE_OFFSET + 2);
  }

  static int unsigned16(MemorySegment frame, long offset) {
    return frame.get(U16, offset) & 0xffff;
  }

  static int unsigned8(MemorySegment frame, long offset) {
    return frame.get(JAVA_BYTE, offset) & 0xff;
  }

  static int int32(MemorySegment frame, long offset) {
    return frame.get(U32, offset);
  }
}

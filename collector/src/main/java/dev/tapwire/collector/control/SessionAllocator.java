package dev.tapwire.collector.control;

import java.util.BitSet;

/**
 * Hands out ERSPAN session ids from the 10-bit space (0-1023) so that no two live sessions of
 * registered agents share one. The same id travels as GRE key (TEB, GRE-in-UDP) and VXLAN VNI, so
 * one space serves every encapsulation. Not thread-safe: the registry's lock guards it.
 */
final class SessionAllocator {
  /** Number of ERSPAN session ids: the field is 10 bits wide. */
  static final int SESSION_IDS = 1024;

  private final BitSet used = new BitSet(SESSION_IDS);
  private int next;

  /** The lowest free id at or after the last one handed out (wrapping), or -1 when none is free. */
  int allocate() {
    int id = used.nextClearBit(next);
    if (id >= SESSION_IDS) {
      id = used.nextClearBit(0);
      if (id >= SESSION_IDS) {
        return -1;
      }
    }
    used.set(id);
    next = (id + 1) % SESSION_IDS;
    return id;
  }

  void free(int id) {
    used.clear(id);
  }

  int free() {
    return SESSION_IDS - used.cardinality();
  }

  int inUse() {
    return used.cardinality();
  }
}

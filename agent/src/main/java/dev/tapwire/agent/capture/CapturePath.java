package dev.tapwire.agent.capture;

/** How frames are read from the libpcap handle; all three use the same handle. */
public enum CapturePath {
  /**
   * {@code pcap_dispatch} through {@code java.lang.foreign} with an upcall: no copy to the heap.
   */
  DISPATCH,
  /** pcap4j's {@code dispatch} with a raw listener (JNA callback, a byte[] per frame). */
  PCAP4J_LOOP,
  /** pcap4j's {@code getNextRawPacket} (one JNA call and a byte[] per frame). */
  PCAP4J_NEXT
}

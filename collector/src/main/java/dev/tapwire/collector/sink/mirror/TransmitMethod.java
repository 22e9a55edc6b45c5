package dev.tapwire.collector.sink.mirror;

/** How frames reach the mirror NIC. */
public enum TransmitMethod {
  /** {@code AF_PACKET} with {@code sendmmsg}; {@code pcap_inject} if that cannot be opened. */
  AUTO,
  /** {@code AF_PACKET} only. */
  AF_PACKET,
  /** libpcap's {@code pcap_inject} through pcap4j only (portable, slower). */
  PCAP_INJECT
}

package dev.tapwire.wire.pcap;

/** Timestamp unit of a classic pcap file, chosen by its magic number. */
public enum PcapTimestampPrecision {
  /** Magic 0xA1B2C3D4: the fraction field counts microseconds. */
  MICROSECONDS,
  /** Magic 0xA1B23C4D: the fraction field counts nanoseconds. */
  NANOSECONDS
}

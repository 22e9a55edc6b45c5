package dev.tapwire.wire.pcapng;

import dev.tapwire.wire.pcap.CaptureRecord;

/**
 * The content of an Interface Statistics Block: a mutable holder that {@link PcapngReader} fills
 * and {@link InterfaceStatisticsBlock#write} writes. Times are epoch nanoseconds ({@link
 * CaptureRecord#NO_TIMESTAMP} if absent); counters are unsigned 64-bit, {@link #ABSENT} if absent.
 */
public final class InterfaceStatistics {
  /** Counter value meaning "option absent" (all ones, not a plausible count). */
  public static final long ABSENT = -1;

  private int interfaceId;
  private long timestampNs;
  private long startTimeNs = CaptureRecord.NO_TIMESTAMP;
  private long endTimeNs = CaptureRecord.NO_TIMESTAMP;
  private long receivedPackets = ABSENT;
  private long interfaceDroppedPackets = ABSENT;
  private long filterAcceptedPackets = ABSENT;
  private long osDroppedPackets = ABSENT;
  private long deliveredPackets = ABSENT;
  private String comment;

  /** Resets every option to absent and sets the fixed fields. */
  public InterfaceStatistics reset(int interfaceId, long timestampNs) {
    this.interfaceId = interfaceId;
    this.timestampNs = timestampNs;
    startTimeNs = CaptureRecord.NO_TIMESTAMP;
    endTimeNs = CaptureRecord.NO_TIMESTAMP;
    receivedPackets = ABSENT;
    interfaceDroppedPackets = ABSENT;
    filterAcceptedPackets = ABSENT;
    osDroppedPackets = ABSENT;
    deliveredPackets = ABSENT;
    comment = null;
    return this;
  }

  public int interfaceId() {
    return interfaceId;
  }

  /** When the statistics were taken. */
  public long timestampNs() {
    return timestampNs;
  }

  /** isb_starttime: start of the capture. */
  public long startTimeNs() {
    return startTimeNs;
  }

  public InterfaceStatistics startTimeNs(long startTimeNs) {
    this.startTimeNs = startTimeNs;
    return this;
  }

  /** isb_endtime: end of the capture. */
  public long endTimeNs() {
    return endTimeNs;
  }

  public InterfaceStatistics endTimeNs(long endTimeNs) {
    this.endTimeNs = endTimeNs;
    return this;
  }

  /** isb_ifrecv: packets received from the physical interface. */
  public long receivedPackets() {
    return receivedPackets;
  }

  public InterfaceStatistics receivedPackets(long receivedPackets) {
    this.receivedPackets = receivedPackets;
    return this;
  }

  /** isb_ifdrop: packets dropped by the interface for lack of resources. */
  public long interfaceDroppedPackets() {
    return interfaceDroppedPackets;
  }

  public InterfaceStatistics interfaceDroppedPackets(long interfaceDroppedPackets) {
    this.interfaceDroppedPackets = interfaceDroppedPackets;
    return this;
  }

  /** isb_filteraccept: packets accepted by the filter. */
  public long filterAcceptedPackets() {
    return filterAcceptedPackets;
  }

  public InterfaceStatistics filterAcceptedPackets(long filterAcceptedPackets) {
    this.filterAcceptedPackets = filterAcceptedPackets;
    return this;
  }

  /** isb_osdrop: packets dropped by the operating system. */
  public long osDroppedPackets() {
    return osDroppedPackets;
  }

  public InterfaceStatistics osDroppedPackets(long osDroppedPackets) {
    this.osDroppedPackets = osDroppedPackets;
    return this;
  }

  /** isb_usrdeliv: packets delivered to the user. */
  public long deliveredPackets() {
    return deliveredPackets;
  }

  public InterfaceStatistics deliveredPackets(long deliveredPackets) {
    this.deliveredPackets = deliveredPackets;
    return this;
  }

  /** First opt_comment, or null. */
  public String comment() {
    return comment;
  }

  public InterfaceStatistics comment(String comment) {
    this.comment = comment;
    return this;
  }
}

package dev.tapwire.collector.sink.mirror;

import dev.tapwire.collector.sink.QueuedSink;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.netio.ErrnoException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcap4j.core.PcapNativeException;

/**
 * Re-emits every frame byte for byte on a transmit-only mirror NIC, policed to the link rate with a
 * fair share per source stream ({@link FairSharePolicer}), on its own thread behind a bounded
 * queue. Every accepted frame is released exactly once: after it was copied into the send batch, or
 * after it was counted as dropped with a reason.
 */
public final class MirrorNicSink extends QueuedSink {
  private static final System.Logger LOG = System.getLogger(MirrorNicSink.class.getName());

  /** A VLAN tag on top of MTU + Ethernet header, as the kernel allows. */
  static final int ETHERNET_AND_VLAN_HEADER_BYTES = 18;

  private final FrameTransmitter transmitter;
  private final FairSharePolicer policer;
  private final MirrorSinkCounters counters = new MirrorSinkCounters();
  private final MirrorWorker worker;
  private final String nic;

  /**
   * A sink over an open transmitter (for wiring with a prepared NIC, and for tests).
   *
   * @param nic interface name, for logs
   * @param mtuBytes the NIC's MTU: longer frames (beyond one VLAN tag) are dropped as {@code
   *     frame_too_long}
   */
  public MirrorNicSink(
      String nic,
      FrameTransmitter transmitter,
      FairSharePolicer policer,
      int queueFrames,
      int mtuBytes) {
    super("mirror", queueFrames);
    this.nic = nic;
    this.transmitter = transmitter;
    this.policer = policer;
    this.worker =
        new MirrorWorker(
            queue(), transmitter, policer, counters, mtuBytes + ETHERNET_AND_VLAN_HEADER_BYTES);
  }

  /**
   * Prepares the NIC ({@link MirrorNicPreparer}), opens the transmitter (AF_PACKET, or pcap_inject
   * as asked or as the fallback) and the policer at {@code --mirror-speed-mbps} or the link speed.
   * Call on a thread in the NIC's network namespace; the sink's own thread may run anywhere.
   *
   * @throws MirrorNicException naming the interface and the problem
   */
  public static MirrorNicSink open(MirrorOptions options) throws MirrorNicException {
    PreparedNic prepared = MirrorNicPreparer.prepare(options.nic(), options.force());
    long rate = options.speedBitsPerSecond();
    if (rate == 0) {
      if (prepared.link().speedMbps() <= 0) {
        throw new MirrorNicException(
            "mirror-nic "
                + options.nic()
                + " reports no link speed: set mirror-speed-mbps to police it");
      }
      rate = prepared.link().speedMbps() * 1_000_000L;
    }
    FairSharePolicer policer;
    try {
      policer =
          new FairSharePolicer(
              rate, options.burstNs(), options.maxStreams(), options.streamIdleNs());
    } catch (IllegalArgumentException e) {
      throw new MirrorNicException("mirror-nic " + options.nic() + ": " + e.getMessage(), e);
    }
    int maxFrameBytes = prepared.link().mtu() + ETHERNET_AND_VLAN_HEADER_BYTES;
    FrameTransmitter transmitter = openTransmitter(options, prepared, maxFrameBytes);
    return new MirrorNicSink(
        options.nic(), transmitter, policer, options.queueFrames(), prepared.link().mtu());
  }

  private static FrameTransmitter openTransmitter(
      MirrorOptions options, PreparedNic prepared, int maxFrameBytes) throws MirrorNicException {
    String nic = options.nic();
    int batch = options.batchFrames();
    int slotBytes = Math.min(maxFrameBytes, 65_535);
    if (options.method() != TransmitMethod.PCAP_INJECT) {
      try {
        return PacketSocketTransmitter.open(prepared.link().index(), batch, slotBytes);
      } catch (ErrnoException e) {
        if (options.method() == TransmitMethod.AF_PACKET) {
          throw new MirrorNicException(
              "mirror-nic " + nic + ": cannot open an AF_PACKET socket: " + e.getMessage(), e);
        }
        LOG.log(
            System.Logger.Level.WARNING,
            "mirror-nic " + nic + ": AF_PACKET unavailable (" + e.getMessage() + "), using pcap");
      }
    }
    try {
      return PcapInjectTransmitter.open(nic, batch, slotBytes);
    } catch (PcapNativeException | RuntimeException | LinkageError e) {
      throw new MirrorNicException(
          "mirror-nic " + nic + ": cannot open it with libpcap: " + e.getMessage(), e);
    }
  }

  @Override
  public long framesDelivered() {
    return counters.framesDelivered();
  }

  @Override
  public Map<String, Long> framesDroppedByReason() {
    return counters.framesDroppedByReason();
  }

  /** Frames, bytes and wire bits delivered, send calls, drops by reason. */
  public MirrorSinkCounters counters() {
    return counters;
  }

  /** The policer: rate, fair share, active streams. */
  public FairSharePolicer policer() {
    return policer;
  }

  /** Per source stream: offered, admitted, dropped as oversubscribed, not sent, bucket level. */
  public List<MirrorStreamStats> streamStats() {
    return policer.streamStats();
  }

  /** Frames dropped as {@code oversubscribed}, per stream. */
  public Map<StreamDescriptor, Long> oversubscribedDropsByStream() {
    Map<StreamDescriptor, Long> drops = new LinkedHashMap<>();
    for (MirrorStreamStats s : policer.streamStats()) {
      drops.merge(s.stream(), s.framesDroppedOversubscribed(), Long::sum);
    }
    return drops;
  }

  /** {@code af_packet} or {@code pcap_inject}. */
  public String transmitMethod() {
    return transmitter.method();
  }

  public String nic() {
    return nic;
  }

  /** The worker (tests drive it with a fake clock). */
  @Override
  protected MirrorWorker worker() {
    return worker;
  }
}

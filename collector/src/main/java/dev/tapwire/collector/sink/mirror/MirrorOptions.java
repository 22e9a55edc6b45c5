package dev.tapwire.collector.sink.mirror;

import dev.tapwire.collector.config.CollectorConfig;
import java.util.concurrent.TimeUnit;

/**
 * What the mirror sink needs to know.
 *
 * @param nic the mirror NIC
 * @param speedBitsPerSecond policing rate; 0 reads the link speed
 * @param force accept a NIC that carries IP addresses
 * @param queueFrames bound of the queue in front of the sink
 * @param method AF_PACKET, pcap_inject, or AF_PACKET with pcap_inject as the fallback
 * @param batchFrames frames per send batch
 * @param burstNs token bucket depth of each stream, as time at the link rate
 * @param maxStreams streams policed separately; later ones share one bucket
 * @param streamIdleNs a stream silent for this long is forgotten by the policer
 */
public record MirrorOptions(
    String nic,
    long speedBitsPerSecond,
    boolean force,
    int queueFrames,
    TransmitMethod method,
    int batchFrames,
    long burstNs,
    int maxStreams,
    long streamIdleNs) {

  public static final int DEFAULT_BATCH_FRAMES = 64;
  public static final long DEFAULT_BURST_NS = TimeUnit.MILLISECONDS.toNanos(2);
  public static final int DEFAULT_MAX_STREAMS = 4096;
  public static final long DEFAULT_STREAM_IDLE_NS = TimeUnit.MINUTES.toNanos(5);

  public MirrorOptions {
    if (nic == null || nic.isBlank()) {
      throw new IllegalArgumentException("mirror-nic is required");
    }
    if (speedBitsPerSecond < 0 || queueFrames < 1 || batchFrames < 1 || batchFrames > 1024) {
      throw new IllegalArgumentException(
          "need speed >= 0, queueFrames >= 1 and batchFrames 1..1024");
    }
  }

  /** Defaults for {@code nic}: link speed, no force, AUTO method. */
  public static MirrorOptions defaults(String nic) {
    return new MirrorOptions(
        nic,
        0,
        false,
        8192,
        TransmitMethod.AUTO,
        DEFAULT_BATCH_FRAMES,
        DEFAULT_BURST_NS,
        DEFAULT_MAX_STREAMS,
        DEFAULT_STREAM_IDLE_NS);
  }

  /** The options the collector's configuration asks for. */
  public static MirrorOptions from(CollectorConfig config) {
    return new MirrorOptions(
        config.mirrorNic(),
        config.mirrorSpeedBitsPerSecond(),
        config.force(),
        config.sinkQueueFrames(),
        TransmitMethod.AUTO,
        DEFAULT_BATCH_FRAMES,
        DEFAULT_BURST_NS,
        Math.max(1, config.maxStreams()),
        config.streamIdleNs() > 0 ? config.streamIdleNs() : DEFAULT_STREAM_IDLE_NS);
  }

  public MirrorOptions withSpeed(long bitsPerSecond) {
    return new MirrorOptions(
        nic,
        bitsPerSecond,
        force,
        queueFrames,
        method,
        batchFrames,
        burstNs,
        maxStreams,
        streamIdleNs);
  }

  public MirrorOptions withForce(boolean forced) {
    return new MirrorOptions(
        nic,
        speedBitsPerSecond,
        forced,
        queueFrames,
        method,
        batchFrames,
        burstNs,
        maxStreams,
        streamIdleNs);
  }

  public MirrorOptions withMethod(TransmitMethod transmitMethod) {
    return new MirrorOptions(
        nic,
        speedBitsPerSecond,
        force,
        queueFrames,
        transmitMethod,
        batchFrames,
        burstNs,
        maxStreams,
        streamIdleNs);
  }

  public MirrorOptions withQueueFrames(int frames) {
    return new MirrorOptions(
        nic,
        speedBitsPerSecond,
        force,
        frames,
        method,
        batchFrames,
        burstNs,
        maxStreams,
        streamIdleNs);
  }
}

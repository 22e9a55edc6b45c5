package dev.tapwire.collector.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The collector's validated configuration. Each component names its setting key (YAML key, long
 * flag, and {@code TAPWIRE_COLLECTOR_*} variable), see {@link CollectorSettingKeys}.
 *
 * @param listenAddresses local addresses the receivers bind to
 * @param greEnabled receive raw GRE (ERSPAN I/II/III, TEB)
 * @param ringReceive receive raw GRE over IPv4 through a packet ring (else a raw IP socket)
 * @param vxlanPort UDP port for VXLAN; 0 disables
 * @param greInUdpPort UDP port for GRE-in-UDP; 0 disables
 * @param allowlist accepted tunnel sources
 * @param filesEnabled write capture files
 * @param outputDirectory where capture files go
 * @param fileFormat pcapng or pcap
 * @param rotateSizeBytes start a new file past this size; 0 disables
 * @param rotateIntervalNs start a new file after this long; 0 disables
 * @param ringFiles keep at most this many files per series; 0 keeps all
 * @param perSourceFiles one file series per tunnel source instead of one merged series
 * @param mirrorNic interface to re-emit frames on, or null
 * @param mirrorSpeedBitsPerSecond policing rate of the mirror NIC; 0 reads the link speed
 * @param force accept a mirror NIC that carries IP addresses
 * @param mergeWindowNs how long frames wait for earlier ones from other streams
 * @param lateFramesDelivered deliver (true) or drop (false) frames older than the watermark
 * @param dedup deliver once a packet mirrored at two capture points
 * @param metricsAddress address of the metrics endpoint
 * @param metricsPort port of the metrics endpoint
 * @param queueFrames bound of each queue between stages, in frames, and frames in the pool (sink
 *     queues take half: {@link #sinkQueueFrames})
 * @param maxStreams bound of the stream table
 * @param streamIdleNs a stream silent for this long is forgotten
 * @param sessionAllowlist accepted tunnel stream ids (ERSPAN session, VXLAN VNI, GRE key)
 * @param control the gRPC control plane ({@code grpc-port}, TLS); port 0 disables it
 */
public record CollectorConfig(
    List<InetAddress> listenAddresses,
    boolean greEnabled,
    boolean ringReceive,
    int vxlanPort,
    int greInUdpPort,
    SourceAllowlist allowlist,
    boolean filesEnabled,
    Path outputDirectory,
    String fileFormat,
    long rotateSizeBytes,
    long rotateIntervalNs,
    int ringFiles,
    boolean perSourceFiles,
    String mirrorNic,
    long mirrorSpeedBitsPerSecond,
    boolean force,
    long mergeWindowNs,
    boolean lateFramesDelivered,
    boolean dedup,
    InetAddress metricsAddress,
    int metricsPort,
    int queueFrames,
    int maxStreams,
    long streamIdleNs,
    SessionAllowlist sessionAllowlist,
    ControlServerSettings control) {

  public boolean mirrorEnabled() {
    return mirrorNic != null;
  }

  /**
   * Bound of each sink's queue: half of {@link #queueFrames}, the size of the frame pool, so that a
   * stuck sink (a frozen file system) holds at most half the pooled frames and the other sinks keep
   * being served from the rest.
   */
  public int sinkQueueFrames() {
    return Math.max(1, queueFrames / 2);
  }
}

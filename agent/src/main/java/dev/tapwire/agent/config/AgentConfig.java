package dev.tapwire.agent.config;

import java.net.InetAddress;
import java.util.List;

/**
 * The agent's validated configuration; keys in {@link AgentSettingKeys}.
 *
 * @param interfaces interfaces to capture on
 * @param collectorHost the collector's name or address as given
 * @param filter the user's BPF expression, or empty for everything
 * @param snapLenBytes longer frames are truncated (and the ERSPAN T bit set)
 * @param promiscuous capture frames not addressed to this host
 * @param kernelBufferBytes libpcap kernel buffer per interface
 * @param encapsulation tunnel format
 * @param sessionId fixed ERSPAN session id / VNI / GRE key, or -1 to derive one per interface
 * @param sampleOneInN forward one frame in N (1 forwards all)
 * @param rateLimitBitsPerSecond 0 for no limit
 * @param rateLimitPacketsPerSecond 0 for no limit
 * @param vxlanPort collector UDP port for VXLAN
 * @param sourceAddress local address to send from, or null to let routing choose
 * @param pathMtuBytes largest outer packet on the path to the collector
 * @param truncateOversize truncate frames that would not fit the path MTU (true) or send them and
 *     let IP fragment them (false)
 * @param queueFrames bound of the capture-to-send hand-off
 * @param metricsAddress bind address of the metrics endpoint, or null for all
 * @param metricsPort port of the metrics endpoint
 * @param direction which packets of each interface to capture: received, sent or both
 * @param immediateMode hand each frame over as it arrives (libpcap immediate mode) instead of in
 *     blocks
 * @param control how to reach the collector's control plane
 */
public record AgentConfig(
    List<String> interfaces,
    String collectorHost,
    String filter,
    int snapLenBytes,
    boolean promiscuous,
    int kernelBufferBytes,
    AgentEncapsulation encapsulation,
    int sessionId,
    int sampleOneInN,
    long rateLimitBitsPerSecond,
    long rateLimitPacketsPerSecond,
    int vxlanPort,
    InetAddress sourceAddress,
    int pathMtuBytes,
    boolean truncateOversize,
    int queueFrames,
    InetAddress metricsAddress,
    int metricsPort,
    CaptureDirection direction,
    boolean immediateMode,
    ControlConfig control) {

  /** The session id of the {@code index}-th interface: fixed, or derived (1, 2, ...). */
  public int sessionIdFor(int index) {
    return sessionId >= 0 ? (sessionId + index) % 1024 : (index + 1) % 1024;
  }
}

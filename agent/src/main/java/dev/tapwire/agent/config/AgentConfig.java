package dev.tapwire.agent.config;

import dev.tapwire.runtime.config.SettingsException;
import java.net.InetAddress;
import java.nio.file.Path;
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
 * @param collectorPort the collector's TCP port for the gRPC transport (0 for the tunnels)
 * @param tls PEM files for the gRPC transport's TLS
 * @param sendMethod how tunnel packets leave: a packet socket's transmit ring with the raw IP
 *     socket as fallback, or the raw IP socket only
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
    int collectorPort,
    TlsFiles tls,
    SendMethod sendMethod,
    ControlConfig control) {

  /**
   * PEM files for TLS on the gRPC transport: {@code ca} alone verifies the collector, {@code cert}
   * and {@code key} add a client certificate (mTLS). All null: plaintext.
   */
  public record TlsFiles(Path cert, Path key, Path ca) {
    public static final TlsFiles NONE = new TlsFiles(null, null, null);

    /** Checks that cert and key come together; the files are read when the agent starts. */
    public TlsFiles {
      if ((cert == null) != (key == null)) {
        throw new SettingsException(
            "invalid setting "
                + (cert == null ? "tls-key" : "tls-cert")
                + ": a client certificate needs both --tls-cert and --tls-key");
      }
    }

    public boolean enabled() {
      return cert != null || ca != null;
    }
  }

  /** The session id of the {@code index}-th interface: fixed, or derived (1, 2, ...). */
  public int sessionIdFor(int index) {
    return sessionId >= 0 ? (sessionId + index) % 1024 : (index + 1) % 1024;
  }
}

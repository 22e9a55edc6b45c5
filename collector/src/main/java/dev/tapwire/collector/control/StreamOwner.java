package dev.tapwire.collector.control;

/**
 * The registered agent interface that sends a stream.
 *
 * @param agentId the agent
 * @param hostName its host
 * @param interfaceName the captured interface on that host
 */
public record StreamOwner(String agentId, String hostName, String interfaceName) {
  /** A stream's outer source address (as text) and session id. */
  public record Key(String sourceAddress, int sessionId) {}
}

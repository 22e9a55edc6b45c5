package dev.tapwire.agent;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The id the agent gives itself on the gRPC transport until the control plane assigns one. */
final class AgentIdentity {
  private AgentIdentity() {}

  /** This host's name, or {@code agent} when it has none. */
  static String hostName() {
    String fromEnvironment = System.getenv("HOSTNAME");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment.strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "agent";
    }
  }
}

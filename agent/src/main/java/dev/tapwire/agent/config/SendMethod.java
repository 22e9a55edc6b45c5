package dev.tapwire.agent.config;

/** How the agent hands tunnel packets to the kernel. */
public enum SendMethod {
  /**
   * A packet socket's transmit ring, with Ethernet and IP headers built by the agent; the raw IP
   * socket whenever the ring cannot be used (no neighbour entry yet, MTU, non-Ethernet route).
   */
  RING,
  /** The raw IP socket only: the kernel routes and builds the outer headers of every packet. */
  SOCKET
}

package dev.tapwire.agent.config;

/** How the agent wraps captured frames for the collector. */
public enum AgentEncapsulation {
  /** GRE + ERSPAN Type III with the full 64-bit capture time (the default). */
  ERSPAN3("erspan3"),
  /** GRE + ERSPAN Type II, for receivers that only decode Type II. */
  ERSPAN2("erspan2"),
  /** GRE Transparent Ethernet Bridging (0x6558), session id as GRE key. */
  TEB("teb"),
  /** VXLAN over UDP, VNI = session id. */
  VXLAN("vxlan"),
  /** Batches of frames on a gRPC stream (TCP, TLS when configured), for networks that drop GRE. */
  GRPC("grpc");

  private final String label;

  AgentEncapsulation(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public boolean usesRawGre() {
    return this != VXLAN && this != GRPC;
  }
}

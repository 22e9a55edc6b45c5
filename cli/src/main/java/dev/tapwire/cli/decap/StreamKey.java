package dev.tapwire.cli.decap;

/**
 * Identity of a tunnel stream in a decapsulated capture: outer addresses, how it was carried, the
 * encapsulation and its session id, VNI or GRE key (-1 when it has none), and the inner link type
 * (one pcapng interface holds one link type).
 */
record StreamKey(
    String source,
    String destination,
    String carrier,
    String encapsulation,
    long streamId,
    int innerLinkType) {

  /** The sequence space a sender may share across its sessions: same addresses and protocol. */
  SourceKey sourceKey() {
    return new SourceKey(source, destination, carrier, encapsulation);
  }

  /** Key of the per-sender sequence accounting. */
  record SourceKey(String source, String destination, String carrier, String encapsulation) {}
}

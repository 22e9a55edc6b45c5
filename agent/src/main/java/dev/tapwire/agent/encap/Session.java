package dev.tapwire.agent.encap;

/**
 * One mirror session (one captured interface): its id and its GRE sequence counter. The counter is
 * a long of which the low 32 bits go on the wire, so it wraps from 0xFFFFFFFF to 0 there. Owned by
 * the send thread.
 */
public final class Session {
  private final int sessionId;
  private final int interfaceIndex;
  private final int direction;
  private long nextSequence;

  /**
   * @param sessionId 0-1023
   * @param interfaceIndex reported as the ERSPAN port index
   * @param direction 0 ingress, 1 egress
   * @param firstSequence the first sequence number (0 normally; tests start near the wrap)
   */
  public Session(int sessionId, int interfaceIndex, int direction, long firstSequence) {
    if (sessionId < 0 || sessionId > 1023) {
      throw new IllegalArgumentException("session id must be 0-1023: " + sessionId);
    }
    this.sessionId = sessionId;
    this.interfaceIndex = interfaceIndex;
    this.direction = direction;
    this.nextSequence = firstSequence;
  }

  public int sessionId() {
    return sessionId;
  }

  public int interfaceIndex() {
    return interfaceIndex;
  }

  public int direction() {
    return direction;
  }

  /** Takes the next sequence number. */
  public long takeSequence() {
    return nextSequence++;
  }
}

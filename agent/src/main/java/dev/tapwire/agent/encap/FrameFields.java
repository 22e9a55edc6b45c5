package dev.tapwire.agent.encap;

/**
 * Per-frame values a tunnel header carries, refilled for every frame (one instance per sender, so
 * nothing is allocated per frame).
 */
public final class FrameFields {
  /** ERSPAN session id / VNI / GRE key. */
  public int sessionId;

  /** GRE sequence number; the low 32 bits go on the wire. */
  public long sequence;

  /** VLAN id of the frame's outer 802.1Q tag, or 0. */
  public int vlan;

  /** Priority (CoS) of that tag, or 0. */
  public int cos;

  /** Whether the frame carries an 802.1Q/802.1ad tag (the tag stays in the frame). */
  public boolean tagged;

  /** Whether fewer bytes are sent than the frame had on the wire. */
  public boolean truncated;

  /** Capture time, nanoseconds since the Unix epoch. */
  public long captureTimeNs;

  /** 0 ingress, 1 egress. */
  public int direction;

  /** The capturing interface's index, reported as the ERSPAN port index. */
  public int interfaceIndex;

  /** The frame's length on the wire, in bytes. */
  public int originalLength;

  /** VXLAN: the UDP source port for this frame's flow. */
  public int flowSourcePort;
}

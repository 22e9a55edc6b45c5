package dev.tapwire.agent.config;

/** Which packets of an interface are captured, as tcpdump's {@code -Q in|out|inout}. */
public enum CaptureDirection {
  /** Received packets only; ERSPAN reports them as ingress. */
  IN,
  /** Sent packets only; ERSPAN reports them as egress. */
  OUT,
  /** Both; libpcap does not say which is which, so ERSPAN reports ingress for all. */
  INOUT
}

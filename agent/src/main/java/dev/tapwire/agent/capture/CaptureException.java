package dev.tapwire.agent.capture;

/** Capture could not start or stopped: the message names the interface and libpcap's reason. */
public final class CaptureException extends Exception {
  private static final long serialVersionUID = 1L;

  public CaptureException(String message) {
    super(message);
  }

  public CaptureException(String message, Throwable cause) {
    super(message, cause);
  }
}

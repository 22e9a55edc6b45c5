package dev.tapwire.collector.sink.mirror;

/** The mirror NIC cannot be used as asked; the message names the interface and the problem. */
public final class MirrorNicException extends Exception {
  private static final long serialVersionUID = 1L;

  public MirrorNicException(String message) {
    super(message);
  }

  public MirrorNicException(String message, Throwable cause) {
    super(message, cause);
  }
}

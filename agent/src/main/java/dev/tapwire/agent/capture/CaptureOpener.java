package dev.tapwire.agent.capture;

/** Opens a capture handle; {@link PcapCaptureSource#open} in production. */
@FunctionalInterface
public interface CaptureOpener {
  CaptureSource open(CaptureSpec spec) throws CaptureException;
}

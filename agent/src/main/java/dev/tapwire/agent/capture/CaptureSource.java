package dev.tapwire.agent.capture;

/**
 * Frames captured on one interface. Owned by its capture thread: every method except {@link
 * #breakLoop} is called from that thread only.
 */
public interface CaptureSource extends AutoCloseable {
  /** The interface captured. */
  String interfaceName();

  /**
   * Hands up to {@code maxFrames} frames to {@code receiver}, waiting up to the read timeout for
   * the first; returns how many (0 on timeout or after {@link #breakLoop}).
   *
   * @throws CaptureException if the capture failed (e.g. the interface went away)
   */
  int dispatch(int maxFrames, FrameReceiver receiver) throws CaptureException;

  /** libpcap's counters so far. */
  CaptureStatistics statistics() throws CaptureException;

  /**
   * Replaces the kernel filter of the live handle ({@code pcap_setfilter}); frames already in the
   * capture buffer that the new filter rejects are not delivered either.
   *
   * @throws CaptureException if the expression does not compile or the kernel refuses it
   */
  default void setFilter(String expression) throws CaptureException {
    throw new CaptureException("this source cannot change its filter");
  }

  /** Whether timestamps have nanosecond resolution (else microseconds). */
  boolean nanosecondTimestamps();

  /** Makes a {@link #dispatch} in progress return soon; callable from any thread. */
  void breakLoop();

  @Override
  void close();
}

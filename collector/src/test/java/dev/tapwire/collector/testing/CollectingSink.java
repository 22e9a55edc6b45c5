package dev.tapwire.collector.testing;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.sink.FrameSink;
import io.netty.buffer.ByteBufUtil;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sink for tests: records each accepted frame (sha256 of the inner bytes, capture time, stream)
 * and releases it at once, on the merge thread. It can refuse frames to simulate a full queue.
 */
public final class CollectingSink implements FrameSink {
  /** One delivered frame. */
  public record Delivered(
      String sha256,
      byte[] bytes,
      long captureTimeNs,
      long streamId,
      String streamName,
      int linkType,
      long missingBefore,
      int direction) {}

  private final String name;
  private final List<Delivered> frames = new ArrayList<>();
  private final AtomicLong delivered = new AtomicLong();
  private volatile int refuseEvery;
  private long offers;
  private volatile boolean closed;

  public CollectingSink(String name) {
    this.name = name;
  }

  /** Refuses every {@code n}-th offer (0: never), as a full queue would. */
  public CollectingSink refuseEvery(int n) {
    this.refuseEvery = n;
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start() {}

  @Override
  public boolean offer(Frame frame) {
    offers++;
    if (refuseEvery > 0 && offers % refuseEvery == 0) {
      return false;
    }
    byte[] bytes = ByteBufUtil.getBytes(frame.buffer(), frame.innerOffset, frame.innerLength, true);
    Delivered d =
        new Delivered(
            sha256(bytes),
            bytes,
            frame.captureTimeNs,
            frame.stream == null ? -1 : frame.stream.id(),
            frame.stream == null ? null : frame.stream.interfaceName(),
            frame.innerLinkType,
            frame.missingBefore,
            frame.direction);
    synchronized (frames) {
      frames.add(d);
    }
    delivered.incrementAndGet();
    frame.release();
    return true;
  }

  /** What was delivered so far, in order. */
  public List<Delivered> frames() {
    synchronized (frames) {
      return List.copyOf(frames);
    }
  }

  @Override
  public long framesDelivered() {
    return delivered.get();
  }

  @Override
  public Map<String, Long> framesDroppedByReason() {
    return Map.of();
  }

  @Override
  public int queuedFrames() {
    return 0;
  }

  @Override
  public boolean healthy() {
    return !closed;
  }

  @Override
  public void close() {
    closed = true;
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.tapwire.collector.control;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.sink.QueuedSink;
import dev.tapwire.collector.sink.SinkWorker;
import dev.tapwire.runtime.metrics.SingleWriterCounter;
import java.util.Map;

/**
 * The sink behind live taps: the merge stage offers it every frame like any other sink; its own
 * thread copies matching frames into each client's bounded queue and releases the frame. With no
 * client it only counts. A frame the tap thread handled counts as delivered by the tap stage; a
 * copy a client could not take (its queue full) counts as {@code slow_reader}, per client. Neither
 * ever delays the merge stage or the other sinks: the worst case is a full tap queue, charged to
 * this sink as {@code queue_full}.
 */
public final class TapSink extends QueuedSink {
  /** Label of the sink in metrics: {@code stage="tap"}. */
  public static final String NAME = "tap";

  private static final int BATCH = 256;

  private final TapWorker worker = new TapWorker();
  private final SingleWriterCounter delivered = new SingleWriterCounter();
  private final SingleWriterCounter droppedSlowReader = new SingleWriterCounter();
  private volatile TapClient[] clients = new TapClient[0];

  /**
   * @param queueFrames bound of the queue between the merge stage and the tap thread
   */
  public TapSink(int queueFrames) {
    super(NAME, queueFrames);
  }

  @Override
  protected SinkWorker worker() {
    return worker;
  }

  /** Starts feeding {@code client}. */
  synchronized void add(TapClient client) {
    TapClient[] next = java.util.Arrays.copyOf(clients, clients.length + 1);
    next[clients.length] = client;
    clients = next;
  }

  /** Live clients (closed ones are dropped by the tap thread). */
  int clientCount() {
    int n = 0;
    for (TapClient c : clients) {
      n += c.closed() ? 0 : 1;
    }
    return n;
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
  public Map<String, Long> copiesDroppedByReason() {
    return Map.of("slow_reader", droppedSlowReader.get());
  }

  private synchronized void removeClosed() {
    int open = 0;
    for (TapClient c : clients) {
      open += c.closed() ? 0 : 1;
    }
    if (open == clients.length) {
      return;
    }
    TapClient[] next = new TapClient[open];
    int i = 0;
    for (TapClient c : clients) {
      if (c.closed()) {
        c.release();
      } else {
        next[i++] = c;
      }
    }
    clients = next;
  }

  private final class TapWorker implements SinkWorker {
    @Override
    public String roleName() {
      return "collector-tap";
    }

    @Override
    public int doWork(long nowNs) {
      TapClient[] current = clients;
      int n = 0;
      Frame frame;
      while (n < BATCH && (frame = queue().poll()) != null) {
        for (TapClient client : current) {
          if (client.offer(frame) == TapClient.DROPPED) {
            droppedSlowReader.increment();
          }
        }
        frame.release();
        delivered.increment();
        n++;
      }
      boolean anyClosed = false;
      for (TapClient client : current) {
        if (n > 0) {
          client.signal();
        }
        anyClosed |= client.closed();
      }
      if (anyClosed) {
        removeClosed();
      }
      return n;
    }

    @Override
    public void closeAt(long nowNs) {
      Frame frame;
      while ((frame = queue().poll()) != null) {
        frame.release();
        delivered.increment();
      }
      for (TapClient client : clients) {
        client.close();
      }
      removeClosed();
    }
  }
}

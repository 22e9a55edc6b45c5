package dev.tapwire.agent.pipeline;

import dev.tapwire.agent.encap.Encapsulator;
import dev.tapwire.agent.encap.RateLimiter;
import dev.tapwire.agent.encap.Session;
import dev.tapwire.agent.handoff.FrameHandoff;
import dev.tapwire.agent.handoff.FrameSlot;
import dev.tapwire.agent.metrics.SendCounters;
import dev.tapwire.agent.transport.PacketSlot;
import dev.tapwire.agent.transport.SendOutcome;
import dev.tapwire.agent.transport.Transport;
import dev.tapwire.runtime.work.Worker;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The encapsulate-and-send stage: takes frames from every interface's hand-off in turn, applies the
 * rate limit, encodes each into the transport's batch in place and sends full batches (and what is
 * left at the end of a cycle). Drops are counted ({@code rate_limited}, {@code send_error}), never
 * thrown. On close it drains and sends what is still queued, so the books balance at shutdown.
 *
 * <p>A {@link SendChange} posted by {@link #post} is applied at the start of a cycle, after the
 * previous batch went out: every packet of a batch is built under one policy.
 */
public final class SendWorker implements Worker {
  /** Frames taken from one hand-off per cycle, so that one busy interface cannot starve others. */
  static final int FRAMES_PER_QUEUE = 256;

  private final FrameHandoff[] handoffs;
  private final SendCounters counters;
  private final AtomicReference<SendChange> pending = new AtomicReference<>();
  private Session[] sessions;
  private Encapsulator encapsulator;
  private Transport transport;
  private RateLimiter rateLimiter;
  private final SendOutcome outcome = new SendOutcome();
  private int firstQueue;

  public SendWorker(
      List<FrameHandoff> handoffs,
      List<Session> sessions,
      Encapsulator encapsulator,
      Transport transport,
      RateLimiter rateLimiter,
      SendCounters counters) {
    if (handoffs.size() != sessions.size() || handoffs.isEmpty()) {
      throw new IllegalArgumentException("one session per hand-off");
    }
    this.handoffs = handoffs.toArray(FrameHandoff[]::new);
    this.sessions = sessions.toArray(Session[]::new);
    this.encapsulator = encapsulator;
    this.transport = transport;
    this.rateLimiter = rateLimiter;
    this.counters = counters;
  }

  /** Hands {@code change} to the send thread (any thread may call this); returns its completion. */
  public CompletableFuture<Void> post(SendChange change) {
    if (change.sessions().size() != handoffs.length) {
      throw new IllegalArgumentException("one session per hand-off");
    }
    SendChange replaced = pending.getAndSet(change);
    if (replaced != null) {
      discard(replaced, "superseded");
    }
    return change.done();
  }

  @Override
  public int doWork(long nowNs) {
    SendChange change = pending.getAndSet(null);
    if (change != null) {
      apply(change);
    }
    int done = 0;
    int queues = handoffs.length;
    for (int k = 0; k < queues; k++) {
      int i = (firstQueue + k) % queues;
      done += drain(handoffs[i], sessions[i], FRAMES_PER_QUEUE, nowNs);
    }
    firstQueue = (firstQueue + 1) % queues;
    if (transport.pendingPackets() > 0 || transport.hasUnsettled()) {
      flush();
    }
    return done;
  }

  private void apply(SendChange change) {
    if (transport.pendingPackets() > 0) {
      flush();
    }
    if (change.transport() != null) {
      transport.close();
      transport = change.transport();
    }
    encapsulator = change.encapsulator();
    sessions = change.sessions().toArray(Session[]::new);
    rateLimiter = change.rateLimiter();
    change.done().complete(null);
  }

  private static void discard(SendChange change, String why) {
    if (change.transport() != null) {
      change.transport().close();
    }
    change.done().completeExceptionally(new IllegalStateException(why));
  }

  private int drain(FrameHandoff handoff, Session session, int limit, long nowNs) {
    int taken = 0;
    FrameSlot frame;
    while (taken < limit && (frame = handoff.next()) != null) {
      send(frame, session, nowNs);
      handoff.release(frame);
      taken++;
    }
    return taken;
  }

  private void send(FrameSlot frame, Session session, long nowNs) {
    int packetBytes = encapsulator.packetBytes(frame);
    if (rateLimiter.limits()
        && !rateLimiter.tryAcquire(packetBytes + transport.outerIpHeaderBytes(), nowNs)) {
      counters.rateLimited.increment();
      return;
    }
    PacketSlot slot = transport.nextSlot();
    int length = encapsulator.encode(frame, session, slot.buffer(), slot.memory());
    if (encapsulator.oversize()) {
      counters.oversize.increment();
    }
    if (encapsulator.truncated()) {
      counters.truncated.increment();
    }
    transport.commit(length);
    if (transport.isFull()) {
      flush();
    }
  }

  private void flush() {
    transport.flush(outcome);
    count();
  }

  private void count() {
    counters.sent.add(outcome.sent);
    counters.sentByRing.add(outcome.sentByRing);
    counters.bytesSent.add(outcome.bytesSent);
    counters.sendError.add(outcome.failed);
    counters.streamFull.add(outcome.streamFull);
    counters.collectorUnreachable.add(outcome.collectorUnreachable);
  }

  @Override
  public String roleName() {
    return "agent-send";
  }

  /** Sends whatever the capture threads left queued (they have stopped), then closes the socket. */
  @Override
  public void onClose() {
    try {
      long nowNs = System.nanoTime();
      for (int i = 0; i < handoffs.length; i++) {
        drain(handoffs[i], sessions[i], Integer.MAX_VALUE, nowNs);
      }
      if (transport.pendingPackets() > 0) {
        flush();
      }
      transport.finish(outcome);
      count();
    } finally {
      transport.close();
      SendChange change = pending.getAndSet(null);
      if (change != null) {
        discard(change, "sending stopped");
      }
    }
  }
}

package dev.tapwire.agent.transport;

import dev.tapwire.agent.config.AgentConfig.TlsFiles;
import dev.tapwire.agent.encap.GrpcFrameFormat;
import dev.tapwire.proto.v1.StreamFramesResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelFactory;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Frames on one long-lived {@code DataService.StreamFrames} call: each committed slot ({@link
 * GrpcFrameFormat} header + frame) is encoded into its session's open {@link FrameBatchBuffer};
 * {@link #flush} sends sealed batches while the call is ready and the collector's window has room.
 *
 * <p>Memory is bounded by {@link #BUFFERS} batch buffers: a frame that finds none free is dropped
 * ({@code stream_full}), as is every batch while no stream is open ({@code collector_unreachable}).
 * A frame counts as sent when the collector acknowledges its batch ({@code received_batches}); when
 * a stream breaks, its unacknowledged frames are dropped as {@code send_error} and a new stream is
 * opened after an exponential backoff with jitter. Everything runs on the send thread except the
 * call listener, which only publishes the collector's answers.
 */
public final class GrpcTransport implements Transport {
  /** Batch buffers: the open one of each session plus the ones waiting to be sent. */
  static final int BUFFERS = 8;

  /** Most batches in flight whatever window the collector grants. */
  static final int MAX_IN_FLIGHT_BATCHES = 64;

  /** An open batch is sent once it has this many frames... */
  static final int SEND_AT_FRAMES = 64;

  /** ...or is this old, whichever comes first (a full batch goes at once). */
  static final long MAX_BATCH_AGE_NS = TimeUnit.MILLISECONDS.toNanos(2);

  static final long INITIAL_BACKOFF_NS = TimeUnit.MILLISECONDS.toNanos(100);
  static final long MAX_BACKOFF_NS = TimeUnit.SECONDS.toNanos(5);
  static final long FINISH_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

  /**
   * What the transport needs.
   *
   * @param collector the collector's address
   * @param port its gRPC port
   * @param authorityHost the host name (or address) the collector's certificate must carry
   * @param tls PEM files, or {@link TlsFiles#NONE} for plaintext
   * @param agentId sent in every batch
   * @param sessionIds the sessions whose frames are sent
   * @param maxPacketBytes the largest slot: {@link GrpcFrameFormat#HEADER_BYTES} + frame
   */
  public record Options(
      InetAddress collector,
      int port,
      String authorityHost,
      TlsFiles tls,
      String agentId,
      int[] sessionIds,
      int maxPacketBytes) {}

  private final ManagedChannel channel;
  private final EventLoopGroup group;
  private final MethodDescriptor<FrameBatchBuffer, StreamFramesResponse> method;
  private final String description;
  private final PacketSlot staging;
  private final ByteBuf stagingBuffer;
  private final byte[] stagingArray;
  private final int maxPacketBytes;

  private final int[] sessionIds;
  private final long[] nextBatchSequence;
  private final long[] nextFrameSequence;
  private final FrameBatchBuffer[] open;
  private final long[] openedAtNs;
  private final ArrayBlockingQueue<FrameBatchBuffer> free;
  private final ArrayDeque<FrameBatchBuffer> outbox = new ArrayDeque<>(BUFFERS);
  private int pendingFrames;
  private boolean sealedSinceFlush;

  // Batches sent on the current call and not yet acknowledged, oldest first.
  private final int[] inFlightFrames = new int[MAX_IN_FLIGHT_BATCHES];
  private final long[] inFlightBytes = new long[MAX_IN_FLIGHT_BATCHES];
  private int inFlightHead;
  private int inFlightCount;
  private long inFlightFrameTotal;

  private ClientCall<FrameBatchBuffer, StreamFramesResponse> call;
  private volatile CallListener listener;
  private long acknowledgedOnCall;
  private long reconnectAtNs;
  private long backoffNs = INITIAL_BACKOFF_NS;
  private volatile long unsettled;
  private volatile Status lastStatus;
  private long finishTimeoutNs = FINISH_TIMEOUT_NS;

  // Counted since the last outcome.
  private int sentFrames;
  private long sentBytes;
  private int lostFrames;
  private int streamFullFrames;
  private int unreachableFrames;

  private GrpcTransport(
      ManagedChannel channel, EventLoopGroup group, Options options, String description) {
    this.channel = channel;
    this.group = group;
    this.description = description;
    this.maxPacketBytes = options.maxPacketBytes();
    this.stagingArray = new byte[maxPacketBytes];
    this.staging = new PacketSlot(MemorySegment.ofArray(stagingArray));
    this.stagingBuffer = staging.buffer();
    this.sessionIds = options.sessionIds().clone();
    this.nextBatchSequence = new long[sessionIds.length];
    this.nextFrameSequence = new long[sessionIds.length];
    java.util.Arrays.fill(nextBatchSequence, 1);
    java.util.Arrays.fill(nextFrameSequence, 1);
    this.open = new FrameBatchBuffer[sessionIds.length];
    this.openedAtNs = new long[sessionIds.length];
    this.free = new ArrayBlockingQueue<>(BUFFERS);
    byte[] agentId = options.agentId().getBytes(StandardCharsets.UTF_8);
    int maxFrameBytes = maxPacketBytes - GrpcFrameFormat.HEADER_BYTES;
    for (int i = 0; i < BUFFERS; i++) {
      free.add(new FrameBatchBuffer(agentId, maxFrameBytes));
    }
    this.method = BatchMarshaller.method(free);
    this.reconnectAtNs = System.nanoTime();
  }

  /**
   * Builds the channel (TLS from the PEM files) on its own event loop, started here so that its
   * sockets are made in the calling thread's network namespace. Connects lazily, on the first
   * {@link #flush}.
   *
   * @throws IOException when a PEM file cannot be read
   */
  public static GrpcTransport open(Options options) throws IOException {
    if (options.sessionIds().length == 0) {
      throw new IllegalArgumentException("no session");
    }
    if (options.agentId().getBytes(StandardCharsets.UTF_8).length > 255) {
      throw new IllegalArgumentException("agent id longer than 255 bytes");
    }
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1,
            (ThreadFactory) r -> Thread.ofPlatform().name("agent-grpc").daemon().unstarted(r),
            NioIoHandler.newFactory());
    try {
      group.submit(() -> {}).syncUninterruptibly();
      String authority =
          (options.authorityHost().indexOf(':') >= 0
                  ? "[" + options.authorityHost() + "]"
                  : options.authorityHost())
              + ":"
              + options.port();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress(
                  new InetSocketAddress(options.collector(), options.port()),
                  GrpcCredentials.channel(options.tls()))
              .overrideAuthority(authority)
              .eventLoopGroup(group)
              .channelFactory(inNamespaceOf(group), InetSocketAddress.class)
              .directExecutor()
              .maxInboundMessageSize(64 * 1024)
              .keepAliveTime(30, TimeUnit.SECONDS)
              .build();
      String text =
          "gRPC "
              + (options.tls().enabled() ? "TLS" : "plaintext")
              + (options.tls().cert() != null ? " (client certificate)" : "")
              + " to "
              + authority
              + " ("
              + options.collector().getHostAddress()
              + ")";
      return new GrpcTransport(channel, group, options, text);
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * Makes each socket on the event loop's thread. gRPC opens sockets on whichever thread starts a
   * connection (the send thread, a timer); a socket belongs to the network namespace of the thread
   * that makes it, and the event loop's thread was started in the namespace {@link #open} ran in.
   */
  private static ChannelFactory<NioSocketChannel> inNamespaceOf(EventLoopGroup group) {
    EventLoop loop = group.next();
    return () ->
        loop.inEventLoop()
            ? new NioSocketChannel()
            : loop.submit((Callable<NioSocketChannel>) NioSocketChannel::new)
                .syncUninterruptibly()
                .getNow();
  }

  @Override
  public int maxPacketBytes() {
    return maxPacketBytes;
  }

  /** Counted by the rate limit like a tunnel's outer header. */
  @Override
  public int outerIpHeaderBytes() {
    return 20;
  }

  @Override
  public boolean isFull() {
    return sealedSinceFlush;
  }

  @Override
  public int pendingPackets() {
    return pendingFrames;
  }

  @Override
  public PacketSlot nextSlot() {
    return staging;
  }

  @Override
  public void commit(int length) {
    int sessionId = stagingBuffer.getUnsignedShort(GrpcFrameFormat.SESSION_ID_OFFSET);
    int s = sessionIndex(sessionId);
    FrameBatchBuffer batch = open[s];
    if (batch == null) {
      batch = free.poll();
      if (batch == null) {
        streamFullFrames++;
        return;
      }
      batch.open(sessionId, nextBatchSequence[s]++, nextFrameSequence[s]);
      openedAtNs[s] = System.nanoTime();
      open[s] = batch;
    }
    batch.append(
        stagingBuffer.getLong(GrpcFrameFormat.CAPTURE_TIME_OFFSET),
        stagingBuffer.getInt(GrpcFrameFormat.ORIGINAL_LENGTH_OFFSET),
        stagingBuffer.getUnsignedShort(GrpcFrameFormat.FLAGS_OFFSET),
        stagingArray,
        GrpcFrameFormat.HEADER_BYTES,
        length - GrpcFrameFormat.HEADER_BYTES);
    nextFrameSequence[s]++;
    pendingFrames++;
    if (batch.isFull()) {
      outbox.add(batch);
      open[s] = null;
      sealedSinceFlush = true;
    }
  }

  private int sessionIndex(int sessionId) {
    for (int i = 0; i < sessionIds.length; i++) {
      if (sessionIds[i] == sessionId) {
        return i;
      }
    }
    throw new IllegalStateException("unknown session " + sessionId);
  }

  @Override
  public void flush(SendOutcome outcome) {
    long nowNs = System.nanoTime();
    step(nowNs);
    report(outcome);
  }

  /** Settles acknowledgements, (re)connects when due, and sends what the stream takes. */
  private void step(long nowNs) {
    settle(nowNs);
    sealOpenBatches(nowNs, false);
    if (call == null && nowNs - reconnectAtNs >= 0) {
      startCall();
    }
    drainOutbox();
    unsettled = pendingFrames + inFlightFrameTotal;
  }

  /**
   * Moves open batches to the outbox: all when {@code all}, else those with {@link #SEND_AT_FRAMES}
   * frames or older than {@link #MAX_BATCH_AGE_NS}, so that a trickle of frames still goes out in
   * batches (the collector's window counts batches, not frames).
   */
  private void sealOpenBatches(long nowNs, boolean all) {
    for (int s = 0; s < open.length; s++) {
      FrameBatchBuffer batch = open[s];
      if (batch != null
          && (all
              || batch.frames() >= SEND_AT_FRAMES
              || nowNs - openedAtNs[s] >= MAX_BATCH_AGE_NS)) {
        outbox.add(open[s]);
        open[s] = null;
      }
    }
    sealedSinceFlush = false;
  }

  private void startCall() {
    if (listener != null) {
      // Our backoff (with jitter) has run: connect now rather than after the channel's own.
      channel.resetConnectBackoff();
    }
    CallListener l = new CallListener();
    call = channel.newCall(method, CallOptions.DEFAULT);
    l.call = call;
    listener = l;
    acknowledgedOnCall = 0;
    call.start(l, new Metadata());
    call.request(1);
  }

  /** Counts acknowledged batches as sent; on a broken stream, the rest as lost. */
  private void settle(long nowNs) {
    CallListener l = listener;
    if (call == null || l == null) {
      return;
    }
    boolean closed = l.closed; // read first: every answer precedes the close
    long received = l.receivedBatches;
    while (acknowledgedOnCall < received && inFlightCount > 0) {
      int head = inFlightHead;
      sentFrames += inFlightFrames[head];
      sentBytes += inFlightBytes[head];
      popInFlight();
      acknowledgedOnCall++;
    }
    if (l.established) {
      backoffNs = INITIAL_BACKOFF_NS;
    }
    if (closed) {
      lastStatus = l.status;
      while (inFlightCount > 0) {
        lostFrames += inFlightFrames[inFlightHead];
        popInFlight();
      }
      call = null;
      long jitter = ThreadLocalRandom.current().nextLong(backoffNs / 5 + 1);
      reconnectAtNs = nowNs + backoffNs - backoffNs / 10 + jitter;
      backoffNs = Math.min(MAX_BACKOFF_NS, backoffNs * 2);
    }
  }

  private void popInFlight() {
    inFlightFrameTotal -= inFlightFrames[inFlightHead];
    inFlightHead = (inFlightHead + 1) % MAX_IN_FLIGHT_BATCHES;
    inFlightCount--;
  }

  private void drainOutbox() {
    FrameBatchBuffer batch;
    while ((batch = outbox.peek()) != null) {
      if (call == null) {
        outbox.poll();
        unreachableFrames += batch.frames();
        pendingFrames -= batch.frames();
        free.offer(batch);
        continue;
      }
      CallListener l = listener;
      int window = Math.min(l.windowBatches, MAX_IN_FLIGHT_BATCHES);
      // Until the collector's first answer (its window) arrives, or while the window or HTTP/2
      // flow control is closed, batches wait; new frames then find no free buffer (stream_full).
      if (!l.established || inFlightCount >= window || !call.isReady()) {
        return;
      }
      outbox.poll();
      batch.seal();
      int tail = (inFlightHead + inFlightCount) % MAX_IN_FLIGHT_BATCHES;
      inFlightFrames[tail] = batch.frames();
      inFlightBytes[tail] = batch.dataBytes();
      inFlightCount++;
      inFlightFrameTotal += batch.frames();
      pendingFrames -= batch.frames();
      call.sendMessage(batch); // gRPC copies it now and gives the buffer back by closing
    }
  }

  private void report(SendOutcome outcome) {
    outcome.set(sentFrames, lostFrames, sentBytes, 0, streamFullFrames, unreachableFrames);
    sentFrames = 0;
    sentBytes = 0;
    lostFrames = 0;
    streamFullFrames = 0;
    unreachableFrames = 0;
  }

  @Override
  public boolean hasUnsettled() {
    CallListener l = listener;
    return inFlightCount > 0 || !outbox.isEmpty() || call == null || l == null || !l.established;
  }

  @Override
  public long unsettledFrames() {
    return unsettled;
  }

  /** Why the last stream ended (gRPC status), or null while none has; any thread. */
  public String lastStreamError() {
    Status status = lastStatus;
    return status == null ? null : status.getCode() + ": " + status.getDescription();
  }

  @Override
  public boolean ready() {
    CallListener l = listener;
    return l != null && l.established && !l.closed;
  }

  /**
   * Sends what is left while the stream takes it, half-closes, and waits for the collector to
   * acknowledge and end the call, all within {@link #FINISH_TIMEOUT_NS}; what is still unsettled
   * then is counted dropped.
   */
  @Override
  public void finish(SendOutcome outcome) {
    long deadlineNs = System.nanoTime() + finishTimeoutNs;
    long nowNs;
    while ((nowNs = System.nanoTime()) - deadlineNs < 0
        && call != null
        && (!outbox.isEmpty() || pendingFrames > 0 || inFlightCount > 0)) {
      step(nowNs);
      LockSupport.parkNanos(1_000_000);
    }
    if (call != null) {
      call.halfClose();
      while (System.nanoTime() - deadlineNs < 0 && !listener.closed) {
        LockSupport.parkNanos(1_000_000);
      }
      if (!listener.closed) {
        call.cancel("agent stopping", null);
        // The cancel closes the call (its listener runs on the event loop): count it as broken.
        while (!listener.closed) {
          LockSupport.parkNanos(1_000_000);
        }
      }
      settle(System.nanoTime());
    }
    sealOpenBatches(System.nanoTime(), true);
    call = null;
    drainOutbox(); // with no call: every waiting batch is unreachable
    unsettled = 0;
    report(outcome);
  }

  /** Shortens the wait of {@link #finish} (tests of a collector that never answers). */
  void finishTimeoutNs(long timeoutNs) {
    this.finishTimeoutNs = timeoutNs;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** The collector's answers on one call, published to the send thread. */
  private static final class CallListener extends ClientCall.Listener<StreamFramesResponse> {
    ClientCall<FrameBatchBuffer, StreamFramesResponse> call;
    volatile boolean established;
    volatile long receivedBatches;
    volatile int windowBatches;
    volatile boolean closed;
    volatile Status status;

    @Override
    public void onMessage(StreamFramesResponse response) {
      receivedBatches = response.getReceivedBatches();
      windowBatches = response.getWindowBatches();
      established = true;
      call.request(1);
    }

    @Override
    public void onClose(Status closeStatus, Metadata trailers) {
      status = closeStatus;
      closed = true;
    }
  }
}

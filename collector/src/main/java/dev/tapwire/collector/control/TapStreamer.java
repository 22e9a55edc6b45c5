package dev.tapwire.collector.control;

import com.google.protobuf.UnsafeByteOperations;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.proto.v1.LinkType;
import dev.tapwire.proto.v1.StreamKey;
import dev.tapwire.proto.v1.TapFrame;
import dev.tapwire.proto.v1.TapInterface;
import dev.tapwire.proto.v1.TapResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Sends one tap client's queued frames on its gRPC stream, honouring flow control: it writes only
 * while the stream is ready and otherwise leaves frames in the client's bounded queue (where the
 * tap thread drops what no longer fits). Woken by the tap thread when frames arrive and by gRPC
 * when the stream becomes ready again; drains are serialised by this object's lock.
 */
final class TapStreamer {
  private static final int MAX_FRAMES_PER_MESSAGE = 512;
  private static final int MAX_BYTES_PER_MESSAGE = 1 << 20;

  private final ServerCallStreamObserver<TapResponse> observer;
  private final Supplier<Map<StreamOwner.Key, StreamOwner>> owners;
  private final Executor executor;
  private final long maxFrames;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Map<StreamDescriptor, Integer> interfaceIds = new IdentityHashMap<>();
  private TapClient client;
  private long sentFrames;
  private boolean done;

  TapStreamer(
      ServerCallStreamObserver<TapResponse> observer,
      Supplier<Map<StreamOwner.Key, StreamOwner>> owners,
      Executor executor,
      long maxFrames) {
    this.observer = observer;
    this.owners = owners;
    this.executor = executor;
    this.maxFrames = maxFrames;
  }

  synchronized void attach(TapClient tapClient) {
    this.client = tapClient;
  }

  /** From the tap thread: frames are queued; drain on the executor, once per burst. */
  void wake() {
    if (scheduled.compareAndSet(false, true)) {
      executor.execute(
          () -> {
            scheduled.set(false);
            drain();
          });
    }
  }

  /** Sends what the stream accepts now. */
  synchronized void drain() {
    if (done || client == null) {
      return;
    }
    while (observer.isReady()) {
      TapResponse.Builder response = TapResponse.newBuilder();
      int bytes = 0;
      TapItem item;
      while (response.getFramesCount() < MAX_FRAMES_PER_MESSAGE
          && bytes < MAX_BYTES_PER_MESSAGE
          && (maxFrames == 0 || sentFrames < maxFrames)
          && (item = client.poll()) != null) {
        response.addFrames(frame(item, response));
        bytes += item.data().length;
        sentFrames++;
      }
      if (response.getFramesCount() == 0) {
        break;
      }
      response.setSlowReaderDroppedFrames(client.droppedSlowReader());
      observer.onNext(response.build());
      if (maxFrames != 0 && sentFrames >= maxFrames) {
        finish();
        return;
      }
    }
  }

  /** Ends the stream normally (frame limit or the server's time limit). */
  synchronized void finish() {
    if (done) {
      return;
    }
    done = true;
    if (client != null) {
      client.close();
    }
    observer.onCompleted();
  }

  /** The client went away or its deadline passed. */
  synchronized void cancelled() {
    done = true;
    if (client != null) {
      client.close();
    }
  }

  private TapFrame frame(TapItem item, TapResponse.Builder response) {
    Integer id = interfaceIds.get(item.stream());
    if (id == null) {
      id = interfaceIds.size();
      interfaceIds.put(item.stream(), id);
      response.addInterfaces(announce(item.stream(), id));
    }
    return TapFrame.newBuilder()
        .setInterfaceId(id)
        .setCaptureTimeUnixNanos(item.captureTimeNs())
        .setOriginalLengthBytes(item.originalLengthBytes())
        .setFlags(item.flags())
        .setData(UnsafeByteOperations.unsafeWrap(item.data()))
        .build();
  }

  private TapInterface announce(StreamDescriptor stream, int id) {
    StreamKey key = StreamKeys.of(stream);
    TapInterface.Builder announcement =
        TapInterface.newBuilder()
            .setInterfaceId(id)
            .setStream(key)
            .setLinkTypeValue(stream.linkType())
            .setSnapLenBytes(client.request().getSnapLenBytes())
            .setDescription(stream.description());
    StreamOwner owner =
        owners
            .get()
            .get(new StreamOwner.Key(key.getOuterSourceAddress(), StreamKeys.tunnelId(key)));
    if (owner != null) {
      announcement
          .setAgentId(owner.agentId())
          .setHostName(owner.hostName())
          .setInterfaceName(owner.interfaceName())
          .setDescription(
              owner.hostName() + " " + owner.interfaceName() + " (" + stream.description() + ")");
    } else {
      announcement.setInterfaceName(stream.interfaceName());
    }
    if (stream.linkType() == 0) {
      announcement.setLinkType(LinkType.LINK_TYPE_ETHERNET);
    }
    return announcement.build();
  }
}

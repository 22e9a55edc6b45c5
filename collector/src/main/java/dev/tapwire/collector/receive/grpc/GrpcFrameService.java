package dev.tapwire.collector.receive.grpc;

import dev.tapwire.proto.v1.DataServiceGrpc;
import dev.tapwire.proto.v1.StreamFramesRequest;
import dev.tapwire.proto.v1.StreamFramesResponse;
import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * {@code tapwire.v1.DataService}: each {@code StreamFrames} call hands its batches to the {@link
 * GrpcIngress} and answers each with cumulative counts and its window. Flow control: the service
 * asks gRPC for one batch at a time, and only while the ingress has room; meanwhile HTTP/2 flow
 * control stops the agent. Register it on a server whose {@code maxInboundMessageSize} is {@link
 * #MAX_MESSAGE_BYTES} (the bound of a batch).
 */
public final class GrpcFrameService implements DataServiceGrpc.AsyncService, BindableService {
  /** Largest request accepted; an agent keeps a batch under 320 KiB. */
  public static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

  /** Batches an agent may have in flight beyond those received. */
  public static final int WINDOW_BATCHES = 32;

  private final GrpcIngress ingress;

  public GrpcFrameService(GrpcIngress ingress) {
    this.ingress = ingress;
  }

  /** The service with the interceptor that gives each call its peer addresses. */
  @Override
  public ServerServiceDefinition bindService() {
    return ServerInterceptors.intercept(DataServiceGrpc.bindService(this), new PeerAddresses());
  }

  @Override
  public StreamObserver<StreamFramesRequest> streamFrames(
      StreamObserver<StreamFramesResponse> responseObserver) {
    ServerCallStreamObserver<StreamFramesResponse> out =
        (ServerCallStreamObserver<StreamFramesResponse>) responseObserver;
    out.disableAutoRequest();
    Call call = new Call(out, PeerAddresses.current());
    out.setOnCancelHandler(call::ended);
    ingress.streamOpened(1);
    call.answer();
    out.request(1);
    return call;
  }

  /** One stream; gRPC calls it serially. */
  private final class Call implements StreamObserver<StreamFramesRequest> {
    private final ServerCallStreamObserver<StreamFramesResponse> out;
    private final PeerAddresses.Pair peer;
    private final GrpcIngress.StreamState state = new GrpcIngress.StreamState();
    private long receivedBatches;
    private boolean ended;

    Call(ServerCallStreamObserver<StreamFramesResponse> out, PeerAddresses.Pair peer) {
      this.out = out;
      this.peer = peer;
    }

    @Override
    public void onNext(StreamFramesRequest request) {
      receivedBatches++;
      ingress.accept(request.getBatch(), state, peer);
      answer();
      if (ingress.hasRoom()) {
        out.request(1);
      } else {
        ingress.parkUntilRoom(() -> out.request(1));
      }
    }

    @Override
    public void onError(Throwable t) {
      ended();
    }

    @Override
    public void onCompleted() {
      answer();
      out.onCompleted();
      ended();
    }

    void answer() {
      if (out.isCancelled()) {
        return;
      }
      out.onNext(
          StreamFramesResponse.newBuilder()
              .setReceivedBatches(receivedBatches)
              .setAcceptedFrames(state.acceptedFrames())
              .setDroppedFrames(state.droppedFrames())
              .setWindowBatches(WINDOW_BATCHES)
              .build());
    }

    synchronized void ended() {
      if (!ended) {
        ended = true;
        ingress.streamOpened(-1);
      }
    }
  }
}

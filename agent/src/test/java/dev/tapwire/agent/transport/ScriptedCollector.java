package dev.tapwire.agent.transport;

import dev.tapwire.proto.v1.DataServiceGrpc;
import dev.tapwire.proto.v1.FrameBatch;
import dev.tapwire.proto.v1.StreamFramesRequest;
import dev.tapwire.proto.v1.StreamFramesResponse;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DataService on loopback that records every batch. {@code ACK} answers each batch; {@code STALL}
 * grants a window, takes the first batch and then neither asks for nor answers anything.
 */
final class ScriptedCollector implements AutoCloseable {
  enum Mode {
    ACK,
    STALL
  }

  final List<FrameBatch> batches = new CopyOnWriteArrayList<>();
  final AtomicInteger streams = new AtomicInteger();
  private final Server server;

  private ScriptedCollector(Mode mode, int windowBatches, int port) throws IOException {
    DataServiceGrpc.AsyncService service =
        new DataServiceGrpc.AsyncService() {
          @Override
          public StreamObserver<StreamFramesRequest> streamFrames(
              StreamObserver<StreamFramesResponse> responses) {
            streams.incrementAndGet();
            ServerCallStreamObserver<StreamFramesResponse> out =
                (ServerCallStreamObserver<StreamFramesResponse>) responses;
            out.disableAutoRequest();
            out.setOnCancelHandler(() -> {});
            out.onNext(answer(0, windowBatches));
            out.request(1);
            return new StreamObserver<>() {
              private long received;

              @Override
              public void onNext(StreamFramesRequest request) {
                batches.add(request.getBatch());
                received++;
                if (mode == Mode.ACK) {
                  out.onNext(answer(received, windowBatches));
                  out.request(1);
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                out.onNext(answer(received, windowBatches));
                out.onCompleted();
              }
            };
          }
        };
    this.server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                InsecureServerCredentials.create())
            .addService(DataServiceGrpc.bindService(service))
            .build()
            .start();
  }

  static ScriptedCollector start(Mode mode, int windowBatches) throws IOException {
    return new ScriptedCollector(mode, windowBatches, 0);
  }

  static ScriptedCollector start(Mode mode, int windowBatches, int port) throws IOException {
    return new ScriptedCollector(mode, windowBatches, port);
  }

  private static StreamFramesResponse answer(long received, int window) {
    return StreamFramesResponse.newBuilder()
        .setReceivedBatches(received)
        .setWindowBatches(window)
        .build();
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

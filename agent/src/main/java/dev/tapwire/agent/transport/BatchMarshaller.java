package dev.tapwire.agent.transport;

import dev.tapwire.proto.v1.DataServiceGrpc;
import dev.tapwire.proto.v1.StreamFramesResponse;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;

/**
 * {@code DataService.StreamFrames} with requests already encoded by {@link FrameBatchBuffer}: gRPC
 * reads the bytes straight from the buffer (no protobuf objects per frame) and, by closing the
 * stream once it has copied them, gives the buffer back to the free list.
 */
final class BatchMarshaller implements MethodDescriptor.Marshaller<FrameBatchBuffer> {
  private final BlockingQueue<FrameBatchBuffer> free;

  BatchMarshaller(BlockingQueue<FrameBatchBuffer> free) {
    this.free = free;
  }

  /** The method, under the generated descriptor's name and type, with this marshaller. */
  static MethodDescriptor<FrameBatchBuffer, StreamFramesResponse> method(
      BlockingQueue<FrameBatchBuffer> free) {
    MethodDescriptor<?, ?> generated = DataServiceGrpc.getStreamFramesMethod();
    return MethodDescriptor.<FrameBatchBuffer, StreamFramesResponse>newBuilder()
        .setType(generated.getType())
        .setFullMethodName(generated.getFullMethodName())
        .setRequestMarshaller(new BatchMarshaller(free))
        .setResponseMarshaller(ProtoUtils.marshaller(StreamFramesResponse.getDefaultInstance()))
        .build();
  }

  @Override
  public InputStream stream(FrameBatchBuffer batch) {
    return new BatchStream(batch, free);
  }

  @Override
  public FrameBatchBuffer parse(InputStream stream) {
    throw new UnsupportedOperationException("the agent only sends batches");
  }

  /** The sealed bytes of one batch; closing it returns the buffer. */
  private static final class BatchStream extends InputStream implements KnownLength, Drainable {
    private final BlockingQueue<FrameBatchBuffer> free;
    private FrameBatchBuffer batch;
    private int position;

    BatchStream(FrameBatchBuffer batch, BlockingQueue<FrameBatchBuffer> free) {
      this.batch = batch;
      this.free = free;
      this.position = batch.start();
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int length = available();
      target.write(batch.array(), position, length);
      position += length;
      return length;
    }

    @Override
    public int available() {
      return batch == null ? 0 : batch.end() - position;
    }

    @Override
    public int read() {
      if (available() == 0) {
        return -1;
      }
      return batch.array()[position++] & 0xFF;
    }

    @Override
    public int read(byte[] out, int offset, int length) {
      int available = available();
      if (available == 0) {
        return length == 0 ? 0 : -1;
      }
      int n = Math.min(length, available);
      System.arraycopy(batch.array(), position, out, offset, n);
      position += n;
      return n;
    }

    @Override
    public void close() {
      if (batch != null) {
        // The free list has room for every buffer there is: this never fails.
        free.offer(batch);
        batch = null;
      }
    }
  }
}

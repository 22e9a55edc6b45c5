package dev.tapwire.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tapwire.proto.v1.Frame;
import dev.tapwire.proto.v1.FrameBatch;
import dev.tapwire.proto.v1.StreamFramesRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written encoding is exactly protobuf's own serialization of the same message. */
class FrameBatchBufferTest {
  @Test
  void encodesTheSameBytesAsProtobuf() throws Exception {
    Random random = new Random(7);
    byte[] agentId = "agent-é-1".getBytes(StandardCharsets.UTF_8);
    FrameBatchBuffer buffer = new FrameBatchBuffer(agentId, 65_535);
    buffer.open(1023, 300, (1L << 40) + 5);
    FrameBatch.Builder expected =
        FrameBatch.newBuilder()
            .setAgentId("agent-é-1")
            .setSessionId(1023)
            .setBatchSequence(300)
            .setFirstFrameSequence((1L << 40) + 5);
    int[] sizes = {1, 60, 127, 128, 1514, 16_383, 16_384, 65_535};
    for (int i = 0; i < sizes.length; i++) {
      byte[] data = new byte[sizes[i] + 3];
      random.nextBytes(data);
      long timeNs = i == 0 ? 0 : -1L - i; // 0 and the top bit: fixed64 either way
      int original = i == 1 ? 9_000 : sizes[i];
      int flags = i % 3 == 0 ? 0 : i % 3;
      buffer.append(timeNs, original, flags, data, 3, sizes[i]);
      expected.addFrames(
          Frame.newBuilder()
              .setCaptureTimeUnixNanos(timeNs)
              .setOriginalLengthBytes(original)
              .setFlags(flags)
              .setData(ByteString.copyFrom(data, 3, sizes[i])));
    }
    buffer.seal();
    byte[] encoded = Arrays.copyOfRange(buffer.array(), buffer.start(), buffer.end());
    StreamFramesRequest request = StreamFramesRequest.newBuilder().setBatch(expected).build();
    assertThat(encoded).isEqualTo(request.toByteArray());
    assertThat(StreamFramesRequest.parseFrom(encoded)).isEqualTo(request);
    assertThat(buffer.frames()).isEqualTo(sizes.length);
  }

  @Test
  void zeroFieldsAreOmittedAndTheBufferIsReusable() throws Exception {
    FrameBatchBuffer buffer = new FrameBatchBuffer(new byte[0], 1500);
    for (int round = 0; round < 2; round++) {
      buffer.open(0, 0, 0);
      buffer.append(5, 1, 0, new byte[] {42}, 0, 1);
      buffer.seal();
      byte[] encoded = Arrays.copyOfRange(buffer.array(), buffer.start(), buffer.end());
      StreamFramesRequest expected =
          StreamFramesRequest.newBuilder()
              .setBatch(
                  FrameBatch.newBuilder()
                      .addFrames(
                          Frame.newBuilder()
                              .setCaptureTimeUnixNanos(5)
                              .setOriginalLengthBytes(1)
                              .setData(ByteString.copyFrom(new byte[] {42}))))
              .build();
      assertThat(encoded).isEqualTo(expected.toByteArray());
    }
  }

  @Test
  void sealsAtTheFrameOrByteBound() {
    FrameBatchBuffer buffer = new FrameBatchBuffer(new byte[0], 65_535);
    buffer.open(1, 1, 1);
    byte[] small = new byte[60];
    for (int i = 0; i < FrameBatchBuffer.MAX_FRAMES - 1; i++) {
      buffer.append(i, 60, 1, small, 0, 60);
      assertThat(buffer.isFull()).isFalse();
    }
    buffer.append(0, 60, 1, small, 0, 60);
    assertThat(buffer.isFull()).isTrue();

    buffer.open(1, 2, 257);
    byte[] big = new byte[65_535];
    int appended = 0;
    while (!buffer.isFull()) {
      buffer.append(0, big.length, 1, big, 0, big.length);
      appended++;
    }
    assertThat(appended).isEqualTo(4); // 4 x (64 KiB + field overhead) reach 256 KiB
    assertThat(buffer.end()).isLessThanOrEqualTo(buffer.array().length);
  }
}

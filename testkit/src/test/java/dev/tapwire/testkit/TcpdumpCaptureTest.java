package dev.tapwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcpdumpCaptureTest {
  @TempDir Path dir;

  @Test
  void readsCompleteRecordsOfAClassicPcapAndStopsAtAPartialOne() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
    b.putInt(262144).putInt(1);
    b.putInt(10).putInt(500).putInt(3).putInt(3).put(new byte[] {1, 2, 3});
    b.putInt(11).putInt(7).putInt(2).putInt(60).put(new byte[] {4, 5});
    b.putInt(12).putInt(0).putInt(100); // partial header of a third record
    Path file = dir.resolve("x.pcap");
    Files.write(file, Arrays.copyOf(b.array(), b.position()));

    List<TcpdumpCapture.Frame> frames = TcpdumpCapture.readFrames(file);

    assertThat(frames).hasSize(2);
    assertThat(frames.get(0).timestampNanos()).isEqualTo(10_000_500_000L);
    assertThat(frames.get(0).data()).containsExactly(1, 2, 3);
    assertThat(frames.get(1).originalLength()).isEqualTo(60);
    assertThat(frames.get(1).data()).containsExactly(4, 5);
  }

  @Test
  void emptyFileHasNoFrames() throws Exception {
    Path file = dir.resolve("empty.pcap");
    Files.write(file, new byte[0]);
    assertThat(TcpdumpCapture.readFrames(file)).isEmpty();
  }
}

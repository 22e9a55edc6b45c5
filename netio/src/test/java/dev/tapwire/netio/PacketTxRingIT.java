package dev.tapwire.netio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames written into a transmit ring on A's veth arrive at B byte for byte and in order, batch
 * after batch around the ring, as an independent tcpdump in B records them; a tcpdump on A's own
 * interface sees them leave (the agent's capture filter relies on that to leave them out).
 */
class PacketTxRingIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  @Test
  void framesArriveInOrderAroundTheRingAndTapsSeeThemLeave() throws Exception {
    int batches = 5;
    int perBatch = 40;
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < batches * perBatch; i++) {
      byte[] frame = TestPackets.greWithEthernet(i);
      frames.add(i % 3 == 0 ? java.util.Arrays.copyOf(frame, frame.length + 200 + i) : frame);
    }
    try (TwoNamespaces net = TwoNamespaces.silent();
        TcpdumpCapture atB =
            TcpdumpCapture.start(
                net.b, net.link.nameB(), dir.resolve("b.pcap"), List.of("-Q", "in"), null);
        TcpdumpCapture leavingA =
            TcpdumpCapture.start(
                net.a, net.link.nameA(), dir.resolve("a.pcap"), List.of("-Q", "out"), null);
        PacketTxRing ring =
            NetworkNamespace.runIn(
                net.a.name(),
                () -> PacketTxRing.open(Links.index(net.link.nameA()), 0x0800, 1514, 64))) {
      assertThat(ring.frameCount()).isGreaterThanOrEqualTo(64);
      int sent = 0;
      for (int b = 0; b < batches; b++) {
        for (int i = 0; i < perBatch; i++) {
          byte[] frame = frames.get(b * perBatch + i);
          MemorySegment slot = ring.nextFrame();
          assertThat(slot).as("frame %d of batch %d is free", i, b).isNotNull();
          MemorySegment.copy(frame, 0, slot, ValueLayout.JAVA_BYTE, 0, frame.length);
          ring.commit(frame.length);
        }
        assertThat(ring.pendingFrames()).isEqualTo(perBatch);
        sent += ring.send();
        assertThat(ring.pendingFrames()).isZero();
        assertThat(ring.lastErrno()).isZero();
      }
      assertThat(sent).isEqualTo(frames.size());
      atB.awaitPackets(frames.size(), WAIT);
      leavingA.awaitPackets(frames.size(), WAIT);
      List<String> expected = frames.stream().map(TestPackets::sha256).toList();
      assertThat(atB.stop().droppedByKernel()).isZero();
      assertThat(
              TcpdumpCapture.readFrames(atB.file()).stream()
                  .map(f -> TestPackets.sha256(f.data()))
                  .toList())
          .containsExactlyElementsOf(expected);
      leavingA.stop();
      assertThat(
              TcpdumpCapture.readFrames(leavingA.file()).stream()
                  .map(f -> TestPackets.sha256(f.data()))
                  .toList())
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void aFrameLongerThanTheRingSlotIsRefused() throws Exception {
    try (TwoNamespaces net = TwoNamespaces.silent();
        PacketTxRing ring =
            NetworkNamespace.runIn(
                net.a.name(),
                () -> PacketTxRing.open(Links.index(net.link.nameA()), 0x0800, 1514, 8))) {
      ring.nextFrame();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> ring.commit(1515))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(ring.pendingFrames()).isZero();
    }
  }
}

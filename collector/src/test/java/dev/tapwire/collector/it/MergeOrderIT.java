package dev.tapwire.collector.it;

import static dev.tapwire.collector.testing.CollectorTopology.COLLECTOR_V4;
import static dev.tapwire.collector.testing.CollectorTopology.SENDER_V4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.Collector;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.testing.CollectingSink;
import dev.tapwire.collector.testing.CollectorTopology;
import dev.tapwire.collector.testing.TestPackets;
import dev.tapwire.collector.testing.TunnelSender;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Two ERSPAN III sources whose capture times interleave, sent with jitter (each source's frames
 * shuffled within blocks, one source's block before the other's), come out of the collector in
 * capture-time order; a frame older than what was already delivered is counted late.
 */
class MergeOrderIT {
  private static final int FRAMES = 400;
  private static final long BASE_NS = 1_800_000_000_000_000_000L;

  private record Planned(InetAddress source, int session, long captureTimeNs, int index) {}

  @Test
  void twoSourcesComeOutInCaptureTimeOrderAndLateFramesAreCounted() throws Exception {
    RootRequirement.check();
    try (CollectorTopology topology = CollectorTopology.create()) {
      CollectingSink sink = new CollectingSink("test");
      // A window far longer than the send takes: the order must come from the merge alone.
      Collector collector =
          topology.startCollector(
              CollectorTopology.config(
                  Map.of(CollectorSettingKeys.MERGE_WINDOW_MS, List.of("2000"))),
              sink);
      InetAddress a = SENDER_V4;
      InetAddress b = topology.extraSource(1);
      TunnelSender sender = topology.sender();
      Random random = new Random(42);
      for (int block = 0; block < FRAMES; block += 40) {
        List<Planned> fromA = new ArrayList<>();
        List<Planned> fromB = new ArrayList<>();
        for (int i = block; i < block + 40; i++) {
          Planned p = new Planned(i % 2 == 0 ? a : b, i % 2 == 0 ? 1 : 2, BASE_NS + i * 1_000L, i);
          (i % 2 == 0 ? fromA : fromB).add(p);
        }
        Collections.shuffle(fromA, random);
        Collections.shuffle(fromB, random);
        for (Planned p : (block / 40) % 2 == 0 ? concat(fromB, fromA) : concat(fromA, fromB)) {
          send(sender, p);
        }
      }
      Poll.until(
          Duration.ofSeconds(20),
          FRAMES + " frames delivered",
          () -> sink.framesDelivered() == FRAMES,
          () -> sink.framesDelivered() + " delivered");

      List<CollectingSink.Delivered> out = sink.frames();
      assertThat(out).extracting(CollectingSink.Delivered::captureTimeNs).isSorted();
      assertThat(out.getFirst().captureTimeNs()).isEqualTo(BASE_NS);
      assertThat(out.getLast().captureTimeNs()).isEqualTo(BASE_NS + (FRAMES - 1) * 1_000L);
      assertThat(out)
          .extracting(CollectingSink.Delivered::streamName)
          .containsOnly("198.18.0.1/erspan_iii-1", "198.18.0.11/erspan_iii-2");
      assertThat(out)
          .filteredOn(d -> d.streamName().endsWith("-2"))
          .allMatch(d -> d.direction() == Frame.DIRECTION_OUTBOUND);
      assertThat(collector.mergeStage().counters().framesLate.get()).isZero();

      // A frame captured before everything delivered so far arrives: late, delivered, counted.
      send(sender, new Planned(a, 1, BASE_NS - 5_000L, FRAMES));
      Poll.until(
          Duration.ofSeconds(10), "the late frame", () -> sink.framesDelivered() == FRAMES + 1);
      assertThat(sink.frames().getLast().captureTimeNs()).isEqualTo(BASE_NS - 5_000L);
      assertThat(collector.mergeStage().counters().framesLate.get()).isEqualTo(1);
    }
  }

  private static void send(TunnelSender sender, Planned p) throws Exception {
    byte[] frame = TestPackets.ethernetFrame(p.index(), 64, 30);
    sender.sendGre(
        p.source(),
        COLLECTOR_V4,
        TestPackets.erspanIII(p.index(), p.session(), p.captureTimeNs(), p.session() - 1, frame));
  }

  private static List<Planned> concat(List<Planned> first, List<Planned> second) {
    List<Planned> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}

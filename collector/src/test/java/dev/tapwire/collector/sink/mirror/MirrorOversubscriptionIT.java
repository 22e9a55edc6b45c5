package dev.tapwire.collector.sink.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.sink.SinkTestFrames;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import dev.tapwire.testkit.VethPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sources, each offering five times a 10 Mbit/s mirror's rate, on a real veth: each gets half
 * the link, drops are counted per source, delivered + dropped = offered, and tcpdump on the far end
 * counts exactly the delivered frames, per source.
 */
class MirrorOversubscriptionIT {
  private static final long RATE_BPS = 10_000_000;
  private static final int FRAME_BYTES = 1000;
  private static final long OFFER_NS = TimeUnit.SECONDS.toNanos(2);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  @Test
  void twoSourcesShareAPolicedMirrorFairly() throws Exception {
    SinkTestFrames frames = new SinkTestFrames(4096, 1);
    StreamDescriptor[] streams = {
      SinkTestFrames.stream(1, "198.18.1.1", 1), SinkTestFrames.stream(2, "198.18.1.2", 2)
    };
    long[] offered = new long[2];
    try (Netns a = Netns.create();
        Netns b = Netns.create();
        VethPair link = VethPair.between(a, b).silent().create()) {
      Path pcap = dir.resolve("far-end.pcap");
      try (TcpdumpCapture capture =
          TcpdumpCapture.start(b, link.nameB(), pcap, List.of("-Q", "in"), null)) {
        MirrorNicSink sink =
            NetworkNamespace.runIn(
                a.name(),
                () -> MirrorNicSink.open(MirrorOptions.defaults(link.nameA()).withSpeed(RATE_BPS)));
        long startNs;
        long endNs;
        try {
          sink.start();
          startNs = System.nanoTime();
          // Each source offers 5 x the link rate, interleaved frame by frame.
          double framesPerNs = 5.0 * RATE_BPS / FairSharePolicer.wireBits(FRAME_BYTES) / 1e9;
          long sequence = 0;
          while (System.nanoTime() - startNs < OFFER_NS) {
            long due = (long) ((System.nanoTime() - startNs) * framesPerNs);
            while (offered[0] < due || offered[1] < due) {
              int source = offered[0] <= offered[1] ? 0 : 1;
              Frame frame =
                  frames.frame(
                      streams[source],
                      MirrorTestFrames.fromSource(source + 1, FRAME_BYTES, (int) sequence++),
                      0);
              if (sink.offer(frame)) {
                offered[source]++;
              } else {
                frame.release(); // refused: never offered, the caller's to release
                break;
              }
            }
            LockSupport.parkNanos(200_000);
          }
          Poll.until(TIMEOUT, "the sink's queue to drain", () -> sink.queuedFrames() == 0);
        } finally {
          sink.close();
          endNs = System.nanoTime();
        }
        assertThat(frames.framesInFlight()).isZero();

        List<MirrorStreamStats> stats = sink.streamStats();
        assertThat(stats).extracting(MirrorStreamStats::stream).containsExactly(streams);
        long delivered = 0;
        long deliveredWireBits = 0;
        for (int i = 0; i < 2; i++) {
          MirrorStreamStats s = stats.get(i);
          assertThat(s.framesOffered()).isEqualTo(offered[i]);
          assertThat(s.framesAdmitted() + s.framesDroppedOversubscribed()).isEqualTo(offered[i]);
          assertThat(s.framesNotSent()).isZero();
          assertThat(s.framesDroppedOversubscribed()).isGreaterThan(s.framesAdmitted());
          delivered += s.framesAdmitted();
          deliveredWireBits += s.framesAdmitted() * FairSharePolicer.wireBits(FRAME_BYTES);
        }
        assertThat(sink.framesDelivered()).isEqualTo(delivered);
        assertThat(sink.framesDelivered() + sink.framesDroppedByReason().get("oversubscribed"))
            .isEqualTo(offered[0] + offered[1]);
        assertThat(sink.oversubscribedDropsByStream())
            .containsEntry(streams[0], stats.get(0).framesDroppedOversubscribed())
            .containsEntry(streams[1], stats.get(1).framesDroppedOversubscribed());
        for (MirrorStreamStats s : stats) {
          assertThat((double) s.framesAdmitted())
              .as("fair share of %s", s.stream().source())
              .isCloseTo(delivered / 2.0, within(delivered / 2.0 * 0.05));
        }
        long elapsedNs = endNs - startNs;
        assertThat(deliveredWireBits)
            .as("never above the rate (plus one bucket per stream)")
            .isLessThanOrEqualTo(
                RATE_BPS * elapsedNs / 1_000_000_000L + 2 * sink.policer().depthBits());

        Poll.until(
            TIMEOUT,
            "tcpdump to see every delivered frame",
            () -> capture.packetCount() >= sink.framesDelivered());
        capture.stop();
        List<TcpdumpCapture.Frame> received = TcpdumpCapture.readFrames(pcap);
        assertThat(received).hasSize((int) delivered);
        for (int i = 0; i < 2; i++) {
          int source = i + 1;
          assertThat(received.stream().filter(f -> MirrorTestFrames.sourceOf(f.data()) == source))
              .as("frames of source %d on the wire", source)
              .hasSize((int) stats.get(i).framesAdmitted());
        }
      }
    }
  }
}

package dev.tapwire.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.agent.metrics.AgentTotals;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncation, sampling, rate limiting, overload and an unreachable collector: counted, never lost.
 */
class AgentDropsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String TUNNEL = "ip proto 47";

  @TempDir Path dir;

  @Test
  void snapLengthTruncatesAndSetsTheTruncationBit() throws Exception {
    RootRequirement.check();
    List<byte[]> frames = frames(20, 300);
    try (MirrorLab lab = MirrorLab.create();
        TcpdumpCapture arrived = lab.tcpdumpCollector(dir.resolve("a.pcap"), TUNNEL)) {
      AgentTotals totals =
          run(lab, lab.flags(MirrorLab.COLLECTOR4, "snaplen", "128"), frames, arrived, 20);
      assertThat(totals.truncated()).isEqualTo(20);
      assertThat(totals.oversize()).isZero();
      List<TsharkTunnelDecode.Packet> decoded = TsharkTunnelDecode.decode(arrived.file());
      assertThat(decoded).hasSize(20);
      for (int i = 0; i < 20; i++) {
        assertThat(decoded.get(i).number("erspan.truncated")).isEqualTo(1);
        assertThat(decoded.get(i).inner()).isEqualTo(java.util.Arrays.copyOf(frames.get(i), 128));
      }
    }
  }

  @Test
  void samplingForwardsOneInNAndCountsTheRest() throws Exception {
    RootRequirement.check();
    try (MirrorLab lab = MirrorLab.create();
        TcpdumpCapture arrived = lab.tcpdumpCollector(dir.resolve("a.pcap"), TUNNEL)) {
      AgentTotals totals =
          run(lab, lab.flags(MirrorLab.COLLECTOR4, "sample", "4"), frames(400, 100), arrived, 100);
      assertThat(totals.captured()).isEqualTo(400);
      assertThat(totals.sent()).isEqualTo(100);
      assertThat(totals.sampledOut()).isEqualTo(300);
      assertThat(arrived.stop().captured()).isEqualTo(100);
    }
  }

  @Test
  void rateLimitDropsTheExcessAndCountsIt() throws Exception {
    RootRequirement.check();
    try (MirrorLab lab = MirrorLab.create();
        TcpdumpCapture arrived = lab.tcpdumpCollector(dir.resolve("a.pcap"), TUNNEL)) {
      long startNs = System.nanoTime();
      AgentTotals totals =
          run(
              lab,
              lab.flags(MirrorLab.COLLECTOR4, "rate-limit-pps", "1000"),
              frames(3000, 100),
              arrived,
              0);
      double elapsedSeconds = (System.nanoTime() - startNs) / 1e9;
      assertThat(totals.captured()).isEqualTo(3000);
      assertThat(totals.rateLimited()).isPositive();
      assertThat(totals.sent() + totals.rateLimited()).isEqualTo(3000);
      // A burst of 64 packets, then 1000 per second at most.
      assertThat((double) totals.sent()).isLessThanOrEqualTo(64 + 1000 * elapsedSeconds);
      assertThat(arrived.stop().captured()).isEqualTo(totals.sent());
    }
  }

  @Test
  void booksBalanceUnderOverload() throws Exception {
    RootRequirement.check();
    try (MirrorLab lab = MirrorLab.create()) {
      Agent agent =
          lab.startAgent(
              lab.flags(MirrorLab.COLLECTOR4, "queue-frames", "64", "buffer-kib", "256"));
      AgentTotals totals;
      try {
        for (int round = 0; round < 5; round++) {
          lab.send(frames(10_000, 64));
        }
        Poll.until(TIMEOUT, "the agent to go quiet", () -> agent.totals().inFlight() == 0);
      } finally {
        agent.close();
      }
      totals = agent.totals();
      assertThat(totals.queueFull() + totals.kernelDrops())
          .as(
              "50k frames back to back overrun a 64-frame hand-off or the kernel buffer: %s",
              totals)
          .isPositive();
      assertThat(totals.captured() + totals.kernelDrops()).isLessThanOrEqualTo(50_000);
      assertThat(totals.balanced()).as("%s", totals).isTrue();
      assertThat(totals.inFlight()).isZero();
    }
  }

  @Test
  void anUnreachableCollectorIsCountedAndCaptureGoesOn() throws Exception {
    RootRequirement.check();
    try (MirrorLab lab = MirrorLab.create()) {
      Agent agent = lab.startAgent(lab.flags("198.18.200.1")); // no route from the agent
      try {
        lab.send(frames(30, 100));
        Poll.until(
            TIMEOUT,
            "30 send errors",
            () -> agent.totals().sendError() == 30,
            () -> agent.totals().toString());
        assertThat(agent.healthy()).isTrue();
        lab.send(frames(10, 100));
        Poll.until(TIMEOUT, "40 frames captured", () -> agent.totals().captured() == 40);
      } finally {
        agent.close();
      }
      AgentTotals totals = agent.totals();
      assertThat(totals.sent()).isZero();
      assertThat(totals.sendError()).isEqualTo(40);
      assertThat(totals.balanced()).isTrue();
    }
  }

  private static AgentTotals run(
      MirrorLab lab,
      java.util.Map<String, List<String>> flags,
      List<byte[]> frames,
      TcpdumpCapture arrived,
      int expectedArrivals)
      throws Exception {
    Agent agent = lab.startAgent(flags);
    try {
      lab.send(frames);
      Poll.until(
          TIMEOUT,
          frames.size() + " frames handled",
          () -> {
            AgentTotals t = agent.totals();
            return t.captured() == frames.size()
                && t.inFlight() == 0
                && t.sent() + t.dropped() == frames.size();
          },
          () -> agent.totals().toString());
      if (expectedArrivals > 0) {
        arrived.awaitPackets(expectedArrivals, TIMEOUT);
      }
    } finally {
      agent.close();
    }
    AgentTotals totals = agent.totals();
    assertThat(totals.balanced()).as("%s", totals).isTrue();
    return totals;
  }

  static List<byte[]> frames(int count, int bytes) {
    List<byte[]> frames = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      frames.add(TestFrames.udpFrame(bytes, i));
    }
    return frames;
  }
}

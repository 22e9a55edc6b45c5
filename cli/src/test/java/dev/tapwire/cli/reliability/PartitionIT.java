package dev.tapwire.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network partition between agent and collector (the collector's end of the export link down)
 * while the agent exports at a steady rate: the agent keeps capturing with flat memory, every frame
 * lost in the partition is counted by the collector from the sequence numbers, and mirroring
 * resumes without a restart when the link returns.
 */
class PartitionIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * Length of the partition (-Dtapwire.faults.partitionSeconds, default 5; 30 for the long run).
   */
  private static final long PARTITION_SECONDS = Long.getLong("tapwire.faults.partitionSeconds", 5);

  private static final int RATE = 2000;

  /** Growth of the agent's RSS allowed during the partition. */
  private static final long RSS_BOUND_BYTES = 16L << 20;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  @Test
  void framesLostInAPartitionAreCountedAndMirroringResumes() throws Exception {
    try (Lab lab = Lab.create(dir)) {
      TcpdumpCapture ids =
          TcpdumpCapture.start(lab.ids, lab.mirror.nameB(), dir.resolve("ids.pcap"), null);
      try {
        TapwireProcess collector =
            lab.startCollector(
                "collector", List.of(), List.of("--no-files", "--mirror-nic", lab.mirror.nameA()));
        TapwireProcess agent = lab.startAgent("agent");
        lab.startTraffic(RATE, 200, PARTITION_SECONDS + 300);
        Poll.until(
            TIMEOUT,
            "mirrored frames before the partition",
            () -> Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT).delivered("mirror") >= 4000);
        long rssBefore = agent.rssBytes();

        lab.exportLink(false);
        Scrape agentAtCut = Scrape.of(lab.agentNs, Scrape.AGENT_PORT);
        Scrape collectorAtCut = Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT);
        List<Long> rss = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(PARTITION_SECONDS).toNanos();
        while (System.nanoTime() < end) {
          rss.add(agent.rssBytes());
          Thread.sleep(1000); // a sampling period, not a wait for an event
        }
        Scrape agentAtEnd = Scrape.of(lab.agentNs, Scrape.AGENT_PORT);
        Scrape collectorAtEnd = Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT);
        lab.exportLink(true);

        assertThat(agentAtEnd.captured() - agentAtCut.captured())
            .as("the agent keeps capturing during the partition")
            .isGreaterThan(RATE * (PARTITION_SECONDS - 1) / 2);
        assertThat(collectorAtEnd.decoded() - collectorAtCut.decoded())
            .as("nothing reaches the collector during the partition")
            .isLessThan(RATE / 4);
        long rssMax = rss.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(rssMax - rssBefore)
            .as(
                "agent RSS growth during the partition (samples %s MiB)",
                CollectorFaultsIT.mib(rss))
            .isLessThan(RSS_BOUND_BYTES);

        Poll.until(
            TIMEOUT,
            "mirroring to resume after the partition",
            () ->
                Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT).delivered("mirror")
                    >= collectorAtEnd.delivered("mirror") + 4000);
        assertThat(collector.isAlive()).isTrue();
        lab.stopTraffic();
        Scrape settled = lab.settleCollector(true);
        Scrape agentFinal = Scrape.of(lab.agentNs, Scrape.AGENT_PORT);

        // Books: agent captured = sent + drops (settle checked it); what the agent let go of either
        // reached the collector or is in its sequence-gap count; the collector delivered the rest.
        // Every encapsulated frame used a sequence number: sent or send_error. Net loss is lost
        // minus recovered (frames counted lost that arrived later, reordered around the outage).
        long sendErrors = agentFinal.agentDropped("send_error");
        long netLost = settled.lost() - settled.recovered();
        assertThat(settled.decoded() + netLost)
            .as(
                "frames sent = decoded + net lost in the network (lost %d, recovered %d)",
                settled.lost(), settled.recovered())
            .isEqualTo(agentFinal.sent() + sendErrors);
        assertThat(netLost)
            .as("frames lost in the partition")
            .isGreaterThan(RATE * (PARTITION_SECONDS - 1) / 2);
        assertThat(settled.delivered("mirror") + settled.sinkDropped("mirror"))
            .isEqualTo(settled.decoded());
        lab.checkIds(ids, settled.delivered("mirror"));
        Map<String, Long> figures = new LinkedHashMap<>();
        figures.put("partition seconds", PARTITION_SECONDS);
        figures.put("agent captured", agentFinal.captured());
        figures.put("agent sent", agentFinal.sent());
        figures.put("agent send_error", sendErrors);
        figures.put("agent dropped (all reasons)", agentFinal.agentDropped());
        figures.put("collector decoded", settled.decoded());
        figures.put("collector frames_lost", settled.lost());
        figures.put("collector frames_recovered", settled.recovered());
        figures.put("mirror delivered", settled.delivered("mirror"));
        figures.put("agent rss before MiB", rssBefore >> 20);
        figures.put("agent rss max during partition MiB", rssMax >> 20);
        CollectorFaultsIT.report("partition", figures);
      } finally {
        ids.close();
      }
    }
  }
}

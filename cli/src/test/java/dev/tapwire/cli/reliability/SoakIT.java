package dev.tapwire.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Capinfos;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steady traffic through agent and collector (files and mirror NIC) for a while: no frame dropped
 * or lost anywhere, the books balance end to end, and neither process's memory grows. The memory
 * curve (RSS and Java heap of both processes at regular intervals) is printed and written to {@code
 * target/soak-memory.txt}. CI runs 20 s; {@code -Dtapwire.soak.seconds=600} is the long run.
 */
class SoakIT {
  private static final long SECONDS = Long.getLong("tapwire.soak.seconds", 20);

  /** Frames per second (-Dtapwire.soak.rate); 64-byte frames. */
  private static final int RATE = Integer.getInteger("tapwire.soak.rate", 5000);

  private static final int SAMPLES = 10;

  /** RSS growth allowed from the first half of the run to the second. */
  private static final long RSS_BOUND_BYTES = 16L << 20;

  /** Old-generation growth allowed from the first sample to the last. */
  private static final long OLD_GEN_BOUND_BYTES = 16L << 20;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  /** One sample of both processes' memory. */
  private record Sample(
      long seconds,
      long collectorRss,
      TapwireProcess.HeapUse collectorHeap,
      long agentRss,
      TapwireProcess.HeapUse agentHeap) {
    String row() {
      return String.format(
          "| %4d | %6.1f | %6.1f | %6.1f | %6.1f | %6.1f | %6.1f |",
          seconds,
          mib(collectorRss),
          mib(collectorHeap.usedBytes()),
          mib(collectorHeap.oldUsedBytes()),
          mib(agentRss),
          mib(agentHeap.usedBytes()),
          mib(agentHeap.oldUsedBytes()));
    }

    private static double mib(long bytes) {
      return bytes / 1048576.0;
    }
  }

  @Test
  void steadyTrafficLosesNothingAndMemoryStaysFlat() throws Exception {
    Path files = Files.createDirectories(dir.resolve("files"));
    try (Lab lab = Lab.create(dir)) {
      TcpdumpCapture ids =
          TcpdumpCapture.start(lab.ids, lab.mirror.nameB(), dir.resolve("ids.pcap"), null);
      try {
        TapwireProcess collector = lab.startCollector("collector", files);
        TapwireProcess agent = lab.startAgent("agent");
        long started = System.nanoTime();
        lab.startTraffic(RATE, 64, SECONDS);
        long periodNs = Duration.ofSeconds(SECONDS).toNanos() / SAMPLES;
        List<Sample> samples = new ArrayList<>();
        for (int i = 1; i <= SAMPLES; i++) {
          long due = started + i * periodNs;
          while (System.nanoTime() < due) {
            Thread.sleep(Math.max(1, (due - System.nanoTime()) / 1_000_000)); // sampling period
          }
          samples.add(
              new Sample(
                  (System.nanoTime() - started) / 1_000_000_000L,
                  collector.rssBytes(),
                  collector.heap(),
                  agent.rssBytes(),
                  agent.heap()));
        }
        Poll.until(
            Duration.ofSeconds(60),
            "the generator to finish",
            () -> lab.generated() >= RATE * SECONDS);
        lab.stopTraffic();
        // The last frames reach the collector only after libpcap's 100 ms timeout hands them to
        // the agent: wait for them before the counters are read as settled.
        long generatedFrames = lab.generated();
        Poll.until(
            Duration.ofSeconds(30),
            "every generated frame decoded by the collector",
            () -> Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT).decoded() >= generatedFrames,
            () -> String.join("\n", Scrape.of(lab.agentNs, Scrape.AGENT_PORT).lines()));
        Scrape settled = lab.settleCollector(true);
        Scrape a = Scrape.of(lab.agentNs, Scrape.AGENT_PORT);
        TcpdumpCapture.Stats idsStats = ids.stop();

        StringBuilder table = new StringBuilder();
        table.append(
            String.format(
                "soak: %d s at %d frames/s of 64 bytes%n"
                    + "| t (s) | collector RSS MiB | heap used | old gen | agent RSS MiB | heap used"
                    + " | old gen |%n",
                SECONDS, RATE));
        samples.forEach(s -> table.append(s.row()).append('\n'));
        table.append(
            String.format(
                "generated %d captured %d sent %d decoded %d file %d mirror %d ids %d (tcpdump %d,"
                    + " dropped by its kernel buffer %d)%n",
                lab.generated(),
                a.captured(),
                a.sent(),
                settled.decoded(),
                settled.delivered("file"),
                settled.delivered("mirror"),
                lab.idsReceived(),
                idsStats.captured(),
                idsStats.droppedByKernel()));
        System.out.print(table);
        Files.writeString(Path.of("target", "soak-memory.txt"), table);

        // Nothing dropped or lost anywhere; every frame generated was delivered by both sinks.
        assertThat(a.agentDropped()).as("agent drops").isZero();
        assertThat(a.sum("tapwire_agent_kernel_drops_total")).as("kernel drops").isZero();
        assertThat(settled.collectorDropped()).as("collector drops").isZero();
        assertThat(settled.lost()).as("frames lost in the network").isZero();
        long generated = lab.generated();
        assertThat(a.captured()).isEqualTo(generated);
        assertThat(a.sent()).isEqualTo(generated);
        assertThat(settled.decoded()).isEqualTo(generated);
        assertThat(settled.delivered("file")).isEqualTo(generated);
        assertThat(settled.delivered("mirror")).isEqualTo(generated);
        // The IDS end of the mirror link received every frame (its kernel counter; the link is
        // silent otherwise); tcpdump there saw every one, or counted it as its own kernel drop.
        assertThat(lab.idsReceived()).as("frames received at the IDS").isEqualTo(generated);
        assertThat(idsStats.captured() + idsStats.droppedByKernel()).isEqualTo(generated);
        assertThat(collector.stop(Duration.ofSeconds(30))).isTrue();
        long written = 0;
        for (Path f : CaptureFiles.pcapng(files)) {
          Capinfos.report(f);
          written += Capinfos.packetCount(f);
        }
        assertThat(written).isEqualTo(generated);

        // Memory: flat from the first half of the run to the second.
        List<Sample> first = samples.subList(0, SAMPLES / 2);
        List<Sample> second = samples.subList(SAMPLES / 2, SAMPLES);
        assertThat(max(second, Sample::collectorRss))
            .as("collector RSS, second half vs first")
            .isLessThanOrEqualTo(max(first, Sample::collectorRss) + RSS_BOUND_BYTES);
        assertThat(max(second, Sample::agentRss))
            .as("agent RSS, second half vs first")
            .isLessThanOrEqualTo(max(first, Sample::agentRss) + RSS_BOUND_BYTES);
        assertThat(samples.getLast().collectorHeap().oldUsedBytes())
            .as("collector old generation")
            .isLessThanOrEqualTo(
                samples.getFirst().collectorHeap().oldUsedBytes() + OLD_GEN_BOUND_BYTES);
        assertThat(samples.getLast().agentHeap().oldUsedBytes())
            .as("agent old generation")
            .isLessThanOrEqualTo(
                samples.getFirst().agentHeap().oldUsedBytes() + OLD_GEN_BOUND_BYTES);
      } finally {
        ids.close();
      }
    }
  }

  private static long max(List<Sample> samples, java.util.function.ToLongFunction<Sample> f) {
    return samples.stream().mapToLong(f).max().orElseThrow();
  }
}

package dev.tapwire.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.ExternalTool;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the collector's host, with real processes and steady traffic through the agent: {@code
 * kill -9}, a full disk, a file system that stops accepting writes. Files are checked with capinfos
 * and tshark, the mirror NIC with tcpdump on its far end, the books with /metrics.
 */
class CollectorFaultsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** How long the file system stays frozen (-Dtapwire.faults.stuckSeconds, default 10). */
  private static final long STUCK_SECONDS = Long.getLong("tapwire.faults.stuckSeconds", 10);

  /** Growth of the collector's RSS allowed while a sink is stuck (its queues are bounded). */
  static final long RSS_BOUND_BYTES = 48L << 20;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  @Test
  void killNineKeepsEveryWrittenBlockAndARestartStartsANewFile() throws Exception {
    Path files = Files.createDirectories(dir.resolve("files"));
    try (Lab lab = Lab.create(dir)) {
      TapwireProcess first = lab.startCollector("collector-1", files);
      lab.startAgent("agent");
      lab.startTraffic(2000, 300, 300);
      Poll.until(
          TIMEOUT,
          "frames written by the first collector",
          () -> Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT).delivered("file") >= 3000);
      first.kill9();

      List<Path> cut = CaptureFiles.pcapng(files);
      assertThat(cut).as("files of the killed collector").hasSize(1);
      byte[] killedBytes = Files.readAllBytes(cut.getFirst());
      CaptureFiles.Blocks blocks = CaptureFiles.Blocks.walk(killedBytes);
      assertThat(blocks.packets()).isGreaterThanOrEqualTo(1000);
      // Whatever the kill left, everything up to the last complete block reads cleanly.
      Path prefix = dir.resolve("complete-prefix.pcapng");
      Files.write(prefix, Arrays.copyOf(killedBytes, (int) blocks.completeBytes()));
      assertThat(CaptureFiles.checkReadable(prefix)).isEqualTo(blocks.packets());

      TapwireProcess second = lab.startCollector("collector-2", files);
      Poll.until(
          TIMEOUT,
          "the restarted collector writing a new file",
          () ->
              Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT).delivered("file") >= 2000
                  && CaptureFiles.pcapng(files).size() == 2);
      // The old file: byte for byte what the kill left, but for a torn last block cut at restart.
      assertThat(CaptureFiles.sha256(Files.readAllBytes(cut.getFirst())))
          .as("the killed collector's file after the restart")
          .isEqualTo(CaptureFiles.sha256(Arrays.copyOf(killedBytes, (int) blocks.completeBytes())));
      lab.stopTraffic();
      Scrape settled = lab.settleCollector(true);
      assertThat(second.stop(Duration.ofSeconds(20))).as("collector stops on SIGTERM").isTrue();

      List<Path> all = CaptureFiles.pcapng(files);
      assertThat(all).hasSize(2).startsWith(cut.getFirst());
      assertThat(CaptureFiles.checkReadable(all.get(0))).isEqualTo(blocks.packets());
      assertThat(CaptureFiles.checkReadable(all.get(1))).isEqualTo(settled.delivered("file"));
      assertThat(settled.decoded())
          .isEqualTo(settled.delivered("file") + settled.sinkDropped("file"));
      report(
          "kill -9",
          Map.of(
              "frames in the killed file",
              blocks.packets(),
              "torn bytes cut at restart",
              killedBytes.length - blocks.completeBytes(),
              "frames written after restart",
              settled.delivered("file")));
    }
  }

  @Test
  void aFullDiskCostsCountedFileFramesOnlyAndWritingResumesWhenSpaceReturns() throws Exception {
    ExternalTool.require("mount");
    Path mountPoint = Files.createDirectories(dir.resolve("small"));
    Exec.check("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint.toString());
    try (Lab lab = Lab.create(dir)) {
      TcpdumpCapture ids =
          TcpdumpCapture.start(lab.ids, lab.mirror.nameB(), dir.resolve("ids.pcap"), null);
      try {
        lab.startCollector("collector", mountPoint, "-C", "1");
        lab.startAgent("agent");
        // 1000-byte frames at 2000/s: 2 MB/s, the 2 MiB are full within about a second.
        lab.startTraffic(2000, 1000, 300);
        Poll.until(
            TIMEOUT,
            "frames dropped for a full disk",
            () ->
                Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT).sinkDropped("file", "disk_full")
                    > 1000);
        // While the disk is full the mirror NIC keeps being served, seen from its far end.
        Scrape full = Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT);
        int idsFrames = ids.packetCount();
        Poll.until(
            TIMEOUT,
            "mirrored frames at the IDS while the disk is full",
            () -> ids.packetCount() >= idsFrames + 2000);
        Scrape stillFull = Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT);
        assertThat(stillFull.sinkDropped("file", "disk_full"))
            .as("still dropping for a full disk")
            .isGreaterThan(full.sinkDropped("file", "disk_full"));
        assertThat(stillFull.delivered("mirror")).isGreaterThan(full.delivered("mirror") + 1500);
        assertThat(stillFull.sinkDropped("mirror")).isZero();
        assertThat(stillFull.sinkDropped("file", "write_error"))
            .as("ENOSPC is not a generic write error")
            .isZero();

        // Space returns: the file system grows.
        long fileBefore = stillFull.delivered("file");
        Exec.check("mount", "-o", "remount,size=256m", mountPoint.toString());
        Poll.until(
            TIMEOUT,
            "writing to resume",
            () ->
                Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT).delivered("file")
                    >= fileBefore + 4000);
        long diskFullAfter =
            Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT).sinkDropped("file", "disk_full");
        lab.stopTraffic();
        Scrape settled = lab.settleCollector(true);
        assertThat(settled.sinkDropped("file", "disk_full")).isEqualTo(diskFullAfter);
        for (String sink : List.of("file", "mirror")) {
          assertThat(settled.delivered(sink) + settled.sinkDropped(sink))
              .as("decoded = delivered + dropped for the %s sink", sink)
              .isEqualTo(settled.decoded());
        }
        assertThat(settled.delivered("mirror")).isEqualTo(settled.decoded());
        lab.checkIds(ids, settled.delivered("mirror"));

        // Every file the collector wrote, the one cut by ENOSPC included, reads to its end, and
        // together they hold exactly the frames counted as delivered.
        long frames = 0;
        List<Path> written = CaptureFiles.pcapng(mountPoint);
        for (Path f : written) {
          frames += CaptureFiles.checkReadable(f);
        }
        assertThat(frames).isEqualTo(settled.delivered("file"));
        Map<String, Long> figures = new LinkedHashMap<>();
        figures.put("decoded", settled.decoded());
        figures.put("file delivered", settled.delivered("file"));
        figures.put("file dropped disk_full", settled.sinkDropped("file", "disk_full"));
        figures.put("mirror delivered", settled.delivered("mirror"));
        figures.put("files", (long) written.size());
        report("disk full", figures);
      } finally {
        ids.close();
      }
    } finally {
      Exec.run("umount", mountPoint.toString());
    }
  }

  @Test
  void aStuckFileSystemCostsCountedFramesWithBoundedMemory() throws Exception {
    for (String tool : List.of("mkfs.ext4", "mount", "fsfreeze")) {
      ExternalTool.require(tool);
    }
    Path image = dir.resolve("disk.img");
    Path mountPoint = Files.createDirectories(dir.resolve("ext4"));
    Exec.check("truncate", "-s", "64M", image.toString());
    Exec.check("mkfs.ext4", "-q", "-F", image.toString());
    Exec.check("mount", "-o", "loop", image.toString(), mountPoint.toString());
    boolean frozen = false;
    try (Lab lab = Lab.create(dir)) {
      TcpdumpCapture ids =
          TcpdumpCapture.start(lab.ids, lab.mirror.nameB(), dir.resolve("ids.pcap"), null);
      try {
        // 4096 frames per queue: two seconds of traffic fill the file sink's.
        TapwireProcess collector =
            lab.startCollector("collector", mountPoint, "--queue-frames", "4096");
        lab.startAgent("agent");
        lab.startTraffic(2000, 300, 300);
        Poll.until(
            TIMEOUT,
            "frames written",
            () -> Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT).delivered("file") >= 4000);
        long rssBefore = collector.rssBytes();

        // Freeze: every write to the file system blocks (the writer thread sleeps in write()).
        Exec.check("fsfreeze", "-f", mountPoint.toString());
        frozen = true;
        Scrape atFreeze = Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT);
        List<Long> rss = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(STUCK_SECONDS).toNanos();
        while (System.nanoTime() < end) {
          rss.add(collector.rssBytes());
          Thread.sleep(1000); // a sampling period, not a wait for an event
        }
        Scrape stuck = Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT);
        assertThat(stuck.sinkDropped("file", "queue_full"))
            .as("frames the stuck file sink could not take")
            .isGreaterThan(atFreeze.sinkDropped("file", "queue_full") + 1000);
        assertThat(stuck.delivered("mirror"))
            .as("the mirror keeps being served")
            .isGreaterThan(atFreeze.delivered("mirror") + 500 * (STUCK_SECONDS - 2));
        assertThat(stuck.collectorDropped())
            .as("drops other than the stuck file sink's (a starved frame pool)")
            .isEqualTo(stuck.sinkDropped("file"));
        long rssMax = rss.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(rssMax - rssBefore)
            .as("RSS growth while stuck (samples %s)", mib(rss))
            .isLessThan(RSS_BOUND_BYTES);

        Exec.check("fsfreeze", "-u", mountPoint.toString());
        frozen = false;
        Poll.until(
            TIMEOUT,
            "writing to resume",
            () ->
                Scrape.of(lab.collectorNs, Scrape.COLLECTOR_PORT).delivered("file")
                    >= stuck.delivered("file") + 4000);
        lab.stopTraffic();
        Scrape settled = lab.settleCollector(true);
        for (String sink : List.of("file", "mirror")) {
          assertThat(settled.delivered(sink) + settled.sinkDropped(sink))
              .as("decoded = delivered + dropped for the %s sink", sink)
              .isEqualTo(settled.decoded());
        }
        // Only the stuck sink lost frames: everything the agent sent was decoded and mirrored.
        assertThat(settled.collectorDropped()).isEqualTo(settled.sinkDropped("file"));
        assertThat(settled.decoded()).isEqualTo(Scrape.of(lab.agentNs, Scrape.AGENT_PORT).sent());
        assertThat(settled.delivered("mirror")).isEqualTo(settled.decoded());
        assertThat(collector.stop(Duration.ofSeconds(20))).isTrue();
        lab.checkIds(ids, settled.delivered("mirror"));
        long frames = 0;
        for (Path f : CaptureFiles.pcapng(mountPoint)) {
          frames += CaptureFiles.checkReadable(f);
        }
        assertThat(frames).isEqualTo(settled.delivered("file"));
        Map<String, Long> figures = new LinkedHashMap<>();
        figures.put("stuck seconds", STUCK_SECONDS);
        figures.put("rss before MiB", rssBefore >> 20);
        figures.put("rss max while stuck MiB", rssMax >> 20);
        figures.put("file dropped queue_full", settled.sinkDropped("file", "queue_full"));
        figures.put("mirror delivered", settled.delivered("mirror"));
        figures.put("decoded", settled.decoded());
        report("stuck file system", figures);
      } finally {
        if (frozen) {
          Exec.run("fsfreeze", "-u", mountPoint.toString());
        }
        ids.close();
      }
    } finally {
      if (frozen) {
        Exec.run("fsfreeze", "-u", mountPoint.toString());
      }
      Exec.run("umount", mountPoint.toString());
    }
  }

  static List<Long> mib(List<Long> bytes) {
    return bytes.stream().map(b -> b >> 20).toList();
  }

  /** Prints a test's figures (the numbers docs/reliability.md quotes). */
  static void report(String scenario, Map<String, Long> figures) {
    System.out.println("FIGURES " + scenario + ": " + figures);
  }
}

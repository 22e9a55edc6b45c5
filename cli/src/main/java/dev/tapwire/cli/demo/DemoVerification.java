package dev.tapwire.cli.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * After the run: reads the independent captures and the collector's files, prints the summary and
 * the check line, and returns the failed checks (none when the demo passed).
 */
final class DemoVerification {
  private static final Pattern TCPDUMP_DROPS = Pattern.compile("(\\d+) packets? dropped by kernel");

  /**
   * What the run produced.
   *
   * @param snapshot the last metrics, read once the counters had settled (or at the deadline)
   * @param settled whether the books balanced and the counters stopped moving
   * @param trafficExit exit code of traffic.sh
   * @param captures the tcpdump processes by where they captured ({@code sw1}, ..., {@code ids})
   */
  record Outcome(
      DemoSnapshot snapshot, boolean settled, int trafficExit, Map<String, DemoProcess> captures) {}

  private final Path dir;
  private final Path logs;
  private final List<DemoSource> sources;

  DemoVerification(Path dir, Path logs, List<DemoSource> sources) {
    this.dir = dir;
    this.logs = logs;
    this.sources = sources;
  }

  Path sourceCapture(DemoSource s) {
    return dir.resolve("source-" + s.name() + ".pcap");
  }

  Path idsCapture() {
    return dir.resolve("ids.pcap");
  }

  Path collectorDir() {
    return dir.resolve("collector");
  }

  /** Prints the summary and the check line; returns the failures. */
  List<String> verify(Outcome outcome, PrintWriter out) throws IOException {
    DemoSnapshot s = outcome.snapshot();
    Map<String, List<FrameDigests.Frame>> sourceFrames = new LinkedHashMap<>();
    for (DemoSource src : sources) {
      sourceFrames.put(src.name(), FrameDigests.read(sourceCapture(src)));
    }
    List<FrameDigests.Frame> idsFrames = FrameDigests.read(idsCapture());
    List<Path> files = collectorFiles();
    List<FrameDigests.Frame> fileFrames = new ArrayList<>();
    for (Path f : files) {
      fileFrames.addAll(FrameDigests.read(f));
    }
    Map<String, Long> fileFramesBySource = new LinkedHashMap<>();
    for (DemoSource src : sources) {
      fileFramesBySource.put(
          src.name(), fileFrames.stream().filter(f -> src.ownsStream(f.interfaceName())).count());
    }
    CaptureComparison ids = new CaptureComparison(sourceFrames).match(idsFrames);
    CaptureComparison inFiles = new CaptureComparison(sourceFrames).match(fileFrames);

    out.println();
    out.print(
        DemoReport.summary(
            s,
            new DemoReport.Delivered(
                ids, idsFrames.size(), inFiles, fileFrames.size(), fileFramesBySource)));
    out.println("files: " + String.join(", ", files.stream().map(Path::toString).toList()));
    out.println(
        "IDS capture: "
            + idsCapture()
            + "; source captures: "
            + String.join(", ", sources.stream().map(src -> sourceCapture(src).toString()).toList())
            + "; logs: "
            + logs);

    List<String> failures = new ArrayList<>();
    if (outcome.trafficExit() != 0) {
      failures.add(
          "traffic.sh exited with "
              + outcome.trafficExit()
              + " (see "
              + logs.resolve("traffic.log")
              + ")");
    }
    if (!outcome.settled()) {
      failures.addAll(unbalanced(s));
    }
    if (idsFrames.isEmpty()) {
      failures.add("no frame reached the IDS host");
    }
    if (ids.unmatched() > 0) {
      failures.add(ids.unmatched() + " frames at the IDS host match no frame captured at a source");
    }
    if (idsFrames.size() != s.delivered(DemoSnapshot.MIRROR_SINK)) {
      failures.add(
          "the IDS host captured "
              + idsFrames.size()
              + " frames, the collector delivered "
              + s.delivered(DemoSnapshot.MIRROR_SINK)
              + " to the mirror NIC");
    }
    if (inFiles.unmatched() > 0) {
      failures.add(
          inFiles.unmatched() + " frames in the files match no frame captured at a source");
    }
    if (fileFrames.size() != s.delivered(DemoSnapshot.FILE_SINK)) {
      failures.add(
          "the files hold "
              + fileFrames.size()
              + " frames, the collector delivered "
              + s.delivered(DemoSnapshot.FILE_SINK));
    }
    outcome
        .captures()
        .forEach(
            (where, tcpdump) -> {
              long drops = tcpdumpDrops(tcpdump);
              if (drops != 0) {
                failures.add(
                    "tcpdump on "
                        + where
                        + " reports "
                        + drops
                        + " frames dropped by the kernel: the comparison is incomplete");
              }
            });
    out.println(DemoReport.check(failures, idsFrames.size(), sources));
    out.flush();
    return failures;
  }

  /** Which equation does not hold, or that the counters kept moving. */
  static List<String> unbalanced(DemoSnapshot s) {
    List<String> failures = new ArrayList<>();
    for (DemoSource src : s.sources()) {
      if (!s.agentBalanced(src)) {
        failures.add(
            String.format(
                Locale.ROOT,
                "agent %s: captured %d != sent %d + dropped %d (queued %d)",
                src.name(),
                s.captured(src),
                s.sent(src),
                s.agentDropTotal(src),
                s.agentQueued(src)));
      }
      if (!s.networkBalanced(src)) {
        failures.add(
            String.format(
                Locale.ROOT,
                "%s: sent %d != received %d + lost %d",
                src.name(),
                s.sent(src),
                s.received(src),
                s.lost(src)));
      }
    }
    for (String sink : List.of(DemoSnapshot.FILE_SINK, DemoSnapshot.MIRROR_SINK)) {
      if (!s.collectorBalanced(sink)) {
        failures.add(
            String.format(
                Locale.ROOT,
                "collector %s: decoded %d != delivered %d + dropped %d (queued %d)",
                sink,
                s.decoded(),
                s.delivered(sink),
                s.droppedBefore(sink),
                s.collectorQueued()));
      }
    }
    if (failures.isEmpty()) {
      failures.add("the counters kept moving after the traffic ended");
    }
    return failures;
  }

  private static long tcpdumpDrops(DemoProcess p) {
    Matcher m = TCPDUMP_DROPS.matcher(p.log());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private List<Path> collectorFiles() throws IOException {
    if (!Files.isDirectory(collectorDir())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(collectorDir())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".pcapng")).sorted().toList();
    }
  }
}

package dev.tapwire.cli.demo;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The text the demo prints: one progress line a second, the summary table, the check line. */
final class DemoReport {
  private DemoReport() {}

  /** {@code [ 12s] sw1 1,234 captured (98/s) ... | collector ... | delivered ...}. */
  static String progress(long elapsedS, DemoSnapshot now, DemoSnapshot before) {
    double seconds = before == null ? 0 : (now.atNs() - before.atNs()) / 1e9;
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%3ds]", elapsedS));
    for (DemoSource s : now.sources()) {
      line.append(' ')
          .append(s.name())
          .append(' ')
          .append(count(now.captured(s)))
          .append(" captured")
          .append(rate(now.captured(s), before == null ? 0 : before.captured(s), seconds))
          .append(' ')
          .append(count(now.sent(s)))
          .append(" sent ")
          .append(count(now.agentDropTotal(s) + now.beforeCaptureDrops(s)))
          .append(" dropped |");
    }
    long received = now.sources().stream().mapToLong(now::received).sum();
    long receivedBefore =
        before == null ? 0 : before.sources().stream().mapToLong(before::received).sum();
    long lost = now.sources().stream().mapToLong(now::lost).sum();
    long dropped = now.collectorDrops().values().stream().mapToLong(Long::longValue).sum();
    line.append(" collector ")
        .append(count(received))
        .append(" received")
        .append(rate(received, receivedBefore, seconds))
        .append(' ')
        .append(count(lost))
        .append(" lost ")
        .append(count(dropped))
        .append(" dropped | delivered: files ")
        .append(count(now.delivered(DemoSnapshot.FILE_SINK)))
        .append(", mirror ")
        .append(count(now.delivered(DemoSnapshot.MIRROR_SINK)));
    return line.toString();
  }

  /** What {@link #summary} reports about the delivered captures. */
  record Delivered(
      CaptureComparison ids,
      long idsFrames,
      CaptureComparison files,
      long fileFrames,
      Map<String, Long> fileFramesBySource) {}

  /** The per-source table and the collector's drops. */
  static String summary(DemoSnapshot s, Delivered d) {
    StringBuilder out = new StringBuilder();
    String format = "%-7s %10s %10s %-24s %10s %6s %10s %10s%n";
    out.append(
        String.format(
            Locale.ROOT,
            format,
            "source",
            "captured",
            "sent",
            "dropped at agent",
            "received",
            "lost",
            "files",
            "mirror"));
    long[] totals = new long[6];
    for (DemoSource src : s.sources()) {
      Map<String, Long> drops = new java.util.LinkedHashMap<>(s.agentDrops(src));
      long before = s.beforeCaptureDrops(src);
      if (before > 0) {
        drops.put("kernel/interface", before);
      }
      long files = d.fileFramesBySource().getOrDefault(src.name(), 0L);
      long mirror = d.ids().matched(src.name());
      out.append(
          String.format(
              Locale.ROOT,
              format,
              src.name(),
              count(s.captured(src)),
              count(s.sent(src)),
              reasons(drops),
              count(s.received(src)),
              count(s.lost(src)),
              count(files),
              count(mirror)));
      long[] row = {s.captured(src), s.sent(src), s.received(src), s.lost(src), files, mirror};
      for (int i = 0; i < row.length; i++) {
        totals[i] += row[i];
      }
    }
    out.append(
        String.format(
            Locale.ROOT,
            format,
            "total",
            count(totals[0]),
            count(totals[1]),
            "",
            count(totals[2]),
            count(totals[3]),
            count(totals[4]),
            count(totals[5])));
    out.append("collector drops by stage/reason: ")
        .append(reasons(s.collectorDrops()))
        .append(System.lineSeparator());
    out.append("collector delivered: files ")
        .append(count(s.delivered(DemoSnapshot.FILE_SINK)))
        .append(", mirror NIC ")
        .append(count(s.delivered(DemoSnapshot.MIRROR_SINK)))
        .append(System.lineSeparator());
    return out.toString();
  }

  /** {@code none} or {@code stage/reason=N, ...}. */
  static String reasons(Map<String, Long> drops) {
    if (drops.isEmpty()) {
      return "none";
    }
    return drops.entrySet().stream()
        .map(e -> e.getKey() + "=" + count(e.getValue()))
        .collect(Collectors.joining(", "));
  }

  /** The check line: PASS with what was shown, or FAIL with every failed check. */
  static String check(List<String> failures, long idsFrames, List<DemoSource> sources) {
    String names = sources.stream().map(DemoSource::name).collect(Collectors.joining(" or "));
    if (failures.isEmpty()) {
      return "check: PASS: "
          + count(idsFrames)
          + " frames reached the IDS host, each byte-identical (sha256) to a frame captured at "
          + names
          + ", and nothing else; the books balance (agents: captured = sent + dropped; network:"
          + " sent = received + lost; collector: decoded = delivered + dropped, for the files and"
          + " the mirror NIC)";
    }
    return "check: FAIL: " + String.join("; ", failures);
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String rate(long now, long before, double seconds) {
    if (seconds <= 0) {
      return "";
    }
    return String.format(Locale.ROOT, " (%,.0f/s)", (now - before) / seconds);
  }
}

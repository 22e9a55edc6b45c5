package dev.tapwire.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assertions;

/**
 * tshark as an independent oracle for capture files: reads a file and returns per-packet fields.
 * Fails the test if tshark reports any error about the file.
 */
public final class Tshark {
  /** Separator between fields; a tab never occurs in the fields the tests read. */
  private static final String SEPARATOR = "\t";

  private Tshark() {}

  /**
   * {@code tshark -r file -T fields -e f1 -e f2 ...}: one row per packet, one string per field
   * (empty when the field is absent). Asserts exit code 0 and a clean standard error.
   */
  public static List<List<String>> fields(Path capture, String... fields) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("-n", "-r", capture.toString(), "-T", "fields", "-E", "separator=/t"));
    args.addAll(List.of("-E", "occurrence=a", "-E", "aggregator=,"));
    for (String field : fields) {
      args.add("-e");
      args.add(field);
    }
    Exec.Result result = ExternalTool.run(ExternalTool.DEFAULT_TIMEOUT, "tshark", args);
    assertClean(result, capture);
    List<List<String>> rows = new ArrayList<>();
    for (String line : result.stdoutLines()) {
      rows.add(Arrays.asList(line.split(SEPARATOR, -1)));
    }
    return rows;
  }

  /**
   * One field of every packet. Note that tshark also lists pcapng Custom Blocks as frames (with
   * empty packet fields).
   */
  public static List<String> field(Path capture, String field) {
    return fields(capture, field).stream().map(row -> row.get(0)).toList();
  }

  /**
   * Parses {@code frame.time_epoch} ("1418145370.052115157") into epoch nanoseconds, exactly (no
   * floating point).
   */
  public static long epochNanos(String timeEpoch) {
    String text = timeEpoch.trim();
    boolean negative = text.startsWith("-");
    if (negative) {
      text = text.substring(1);
    }
    int dot = text.indexOf('.');
    String seconds = dot < 0 ? text : text.substring(0, dot);
    String fraction = dot < 0 ? "" : text.substring(dot + 1);
    if (fraction.length() > 9) {
      Assertions.fail("more than nanosecond precision in tshark time: " + timeEpoch);
    }
    String nanos = (fraction + "000000000").substring(0, 9);
    long value = Long.parseLong(seconds) * 1_000_000_000L + Long.parseLong(nanos);
    return negative ? -value : value;
  }

  private static void assertClean(Exec.Result result, Path capture) {
    String stderr = withoutPrivilegeNotice(result.stderr());
    if (result.exitCode() != 0 || !stderr.isBlank()) {
      Assertions.fail(
          "tshark failed on " + capture + " (exit " + result.exitCode() + "):\n" + result.stderr());
    }
  }

  /** Drops the "Running as user root" notice, which says nothing about the file. */
  static String withoutPrivilegeNotice(String stderr) {
    StringBuilder kept = new StringBuilder();
    for (String line : stderr.lines().toList()) {
      if (!line.startsWith("Running as user ")) {
        kept.append(line).append('\n');
      }
    }
    return kept.toString();
  }
}

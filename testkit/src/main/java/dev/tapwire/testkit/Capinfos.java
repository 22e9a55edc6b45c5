package dev.tapwire.testkit;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assertions;

/** capinfos (Wireshark) as an independent oracle for capture file summaries. */
public final class Capinfos {
  private Capinfos() {}

  /** The full {@code capinfos -M} report; asserts exit code 0 and a clean standard error. */
  public static String report(Path capture) {
    Exec.Result result =
        ExternalTool.run(
            ExternalTool.DEFAULT_TIMEOUT, "capinfos", List.of("-M", capture.toString()));
    String stderr = Tshark.withoutPrivilegeNotice(result.stderr());
    if (result.exitCode() != 0 || !stderr.isBlank()) {
      Assertions.fail(
          "capinfos failed on "
              + capture
              + " (exit "
              + result.exitCode()
              + "):\n"
              + result.stderr());
    }
    return result.stdout();
  }

  /** The "Number of packets" capinfos reports. */
  public static long packetCount(Path capture) {
    Exec.Result result =
        ExternalTool.run(
            ExternalTool.DEFAULT_TIMEOUT, "capinfos", List.of("-c", "-M", capture.toString()));
    if (result.exitCode() != 0) {
      Assertions.fail("capinfos failed on " + capture + ":\n" + result.stderr());
    }
    for (String line : result.stdoutLines()) {
      if (line.startsWith("Number of packets:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return Assertions.fail("no packet count in capinfos output:\n" + result.stdout());
  }

  /**
   * Interface names in file order. capinfos prints "Number of interfaces in file: N" and then the N
   * interfaces (repeated once per section in some versions); this returns the first N names.
   */
  public static List<String> interfaceNames(Path capture) {
    List<String> lines = report(capture).lines().map(String::trim).toList();
    int count =
        lines.stream()
            .filter(line -> line.startsWith("Number of interfaces in file:"))
            .map(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).trim()))
            .findFirst()
            .orElseGet(() -> Assertions.fail("no interface count in capinfos output"));
    return lines.stream()
        .filter(line -> line.startsWith("Name = "))
        .map(line -> line.substring("Name = ".length()))
        .limit(count)
        .toList();
  }
}

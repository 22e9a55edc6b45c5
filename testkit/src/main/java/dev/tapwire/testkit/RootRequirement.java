package dev.tapwire.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Guards integration tests that need root: network namespaces, veth pairs, raw and packet sockets,
 * tcpdump. Without the privileges the test is skipped on a workstation and fails under CI ({@code
 * CI=true}), so that a CI job can never pass by skipping them.
 */
public final class RootRequirement {
  private static final int CAP_NET_ADMIN = 12;
  private static final int CAP_NET_RAW = 13;
  private static final int CAP_SYS_ADMIN = 21;

  private RootRequirement() {}

  /** Skips (or, under CI, fails) the calling test unless running as root with the capabilities. */
  public static void check() {
    String missing = missing();
    if (missing == null) {
      return;
    }
    String message =
        "this test needs root with CAP_NET_ADMIN, CAP_NET_RAW and CAP_SYS_ADMIN (network"
            + " namespaces, veth pairs, raw sockets, tcpdump); "
            + missing;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(message + " (CI=true: failing instead of skipping)");
    }
    Assumptions.abort(message + " (skipped; set CI=true to make this a failure)");
  }

  /** Whether the process runs as root with the capabilities the integration tests need. */
  public static boolean isSatisfied() {
    return missing() == null;
  }

  /** What is missing, or null. */
  private static String missing() {
    List<String> status;
    try {
      status = Files.readAllLines(Path.of("/proc/self/status"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/status", e);
    }
    long euid = -1;
    long capEff = 0;
    for (String line : status) {
      if (line.startsWith("Uid:")) {
        euid = Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
      } else if (line.startsWith("CapEff:")) {
        capEff = Long.parseUnsignedLong(line.substring(7).strip(), 16);
      }
    }
    List<String> problems = new ArrayList<>();
    if (euid != 0) {
      problems.add("effective uid is " + euid);
    }
    if ((capEff & (1L << CAP_NET_ADMIN)) == 0) {
      problems.add("CAP_NET_ADMIN missing");
    }
    if ((capEff & (1L << CAP_NET_RAW)) == 0) {
      problems.add("CAP_NET_RAW missing");
    }
    if ((capEff & (1L << CAP_SYS_ADMIN)) == 0) {
      problems.add("CAP_SYS_ADMIN missing");
    }
    return problems.isEmpty() ? null : String.join(", ", problems);
  }
}

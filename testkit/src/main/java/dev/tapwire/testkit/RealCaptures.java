package dev.tapwire.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the third-party capture files in {@code shared/testdata/real/}, which lives beside the
 * repository (see its README for provenance and expected packet counts). The system property {@code
 * tapwire.testdata.real} overrides the location. Missing data skips the test, or fails it under CI.
 */
public final class RealCaptures {
  private static final Path RELATIVE = Path.of("shared", "testdata", "real");

  private RealCaptures() {}

  /** The directory holding the real captures. */
  public static Path dir() {
    String override = System.getProperty("tapwire.testdata.real");
    if (override != null) {
      return check(Path.of(override));
    }
    // Walk up from the module directory: the repository and shared/ are siblings.
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(RELATIVE);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return check(Path.of("..", "..").resolve(RELATIVE).toAbsolutePath());
  }

  /** A file under the real-captures directory, such as {@code "tcpdump/pptp.pcap"}. */
  public static Path file(String relative) {
    Path file = dir().resolve(relative);
    if (!Files.isRegularFile(file)) {
      Assertions.fail("missing test vector " + file);
    }
    return file;
  }

  /** Every file under the directory whose name ends with {@code suffix}, sorted by path. */
  public static List<Path> filesEndingWith(String suffix) {
    try (Stream<Path> files = Files.walk(dir())) {
      return files
          .filter(Files::isRegularFile)
          .filter(file -> file.getFileName().toString().endsWith(suffix))
          .sorted()
          .toList();
    } catch (IOException e) {
      return Assertions.fail("cannot list " + dir(), e);
    }
  }

  private static Path check(Path dir) {
    if (!Files.isDirectory(dir)) {
      String message = "real captures not found at " + dir;
      if (ExternalTool.underCi()) {
        return Assertions.fail(message);
      }
      Assumptions.abort(message);
    }
    return dir;
  }
}

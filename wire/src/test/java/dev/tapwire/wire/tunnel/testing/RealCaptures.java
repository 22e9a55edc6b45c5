package dev.tapwire.wire.tunnel.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code shared/testdata/real} (third-party captures): the system property {@code
 * tapwire.testdata.real}, else the first {@code shared/testdata/real} found walking up from the
 * working directory.
 */
public final class RealCaptures {
  private static final Path ROOT = locate();

  private RealCaptures() {}

  /** The capture {@code relative} (e.g. {@code "tcpdump/vxlan.pcap"}); fails if missing. */
  public static Path path(String relative) {
    Path path = ROOT.resolve(relative);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException("missing real capture " + path);
    }
    return path;
  }

  private static Path locate() {
    String configured = System.getProperty("tapwire.testdata.real");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/testdata/real");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "shared/testdata/real not found above "
            + Path.of("").toAbsolutePath()
            + "; set -Dtapwire.testdata.real=DIR");
  }
}

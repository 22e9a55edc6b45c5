package dev.tapwire.cli.demo;

import dev.tapwire.cli.UserFacingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Validates what {@code tapwire demo} was given and runs it. */
public final class Demo {
  /** The namespace prefix when none is given. */
  public static final String DEFAULT_PREFIX = "twdemo";

  /** Tools the topology scripts and the demo run, and the Debian package of each. */
  static final Map<String, String> TOOLS =
      new LinkedHashMap<>(
          Map.of(
              "ip", "iproute2",
              "ethtool", "ethtool",
              "tcpdump", "tcpdump",
              "ping", "iputils-ping",
              "socat", "socat",
              "mausezahn", "netsniff-ng"));

  /** Whether the process may build namespaces, and which tools it finds. */
  public interface Privileges {
    /** The running system: root means effective uid 0. */
    Privileges SYSTEM =
        new Privileges() {
          @Override
          public boolean isRoot() {
            try {
              for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                  return line.substring(4).strip().split("\\s+")[1].equals("0");
                }
              }
              return false;
            } catch (IOException e) {
              throw new UncheckedIOException("cannot read /proc/self/status", e);
            }
          }

          @Override
          public boolean onPath(String tool) {
            String path = System.getenv("PATH");
            List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(":")));
            dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
            return dirs.stream()
                .filter(d -> !d.isEmpty())
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
          }
        };

    boolean isRoot();

    boolean onPath(String tool);
  }

  private final DemoSettings settings;

  private Demo(DemoSettings settings) {
    this.settings = settings;
  }

  /**
   * Checks the arguments (a usage error, exit 2, names the option) and the privileges and tools (a
   * failure, exit 1, says what to do).
   */
  public static Demo validated(
      String prefix,
      long durationSeconds,
      Path output,
      long mirrorSpeedMbps,
      Path scripts,
      Privileges privileges,
      CommandLine commandLine) {
    if (durationSeconds < 1 || durationSeconds > 3600) {
      throw new CommandLine.ParameterException(
          commandLine, "--duration must be 1..3600 seconds: " + durationSeconds);
    }
    if (!prefix.matches("[a-z][a-z0-9-]{0,15}")) {
      throw new CommandLine.ParameterException(
          commandLine,
          "--prefix must be lower-case letters, digits and '-', at most 16, starting with a"
              + " letter: "
              + prefix);
    }
    if (mirrorSpeedMbps < 0) {
      throw new CommandLine.ParameterException(
          commandLine, "--mirror-speed-mbps must not be negative: " + mirrorSpeedMbps);
    }
    if (!privileges.isRoot()) {
      throw new UserFacingException(
          "needs root: it creates network namespaces and veth pairs, and the agents and the"
              + " collector use raw and packet sockets; run it as root, e.g. sudo ./tapwire demo");
    }
    List<String> missing = new ArrayList<>();
    TOOLS.forEach(
        (tool, pkg) -> {
          if (!privileges.onPath(tool)) {
            missing.add(tool + " (Debian package " + pkg + ")");
          }
        });
    if (!missing.isEmpty()) {
      throw new UserFacingException(
          "needs tools that are not installed: " + String.join(", ", missing));
    }
    Path dir =
        output != null
            ? output
            : Path.of(
                "tapwire-demo-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                        .format(ZonedDateTime.now(ZoneOffset.UTC)));
    return new Demo(
        new DemoSettings(
            prefix,
            durationSeconds,
            dir.toAbsolutePath(),
            mirrorSpeedMbps,
            TopologyScripts.locate(scripts)));
  }

  /** Runs the demo, printing to {@code out}; 0 when the check passes. */
  public int run(PrintWriter out) throws Exception {
    return new DemoRun(settings, out).run();
  }
}

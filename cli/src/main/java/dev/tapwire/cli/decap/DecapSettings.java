package dev.tapwire.cli.decap;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Validated settings of one {@code tapwire decap} run.
 *
 * @param input input path, or {@code -} for standard input
 * @param output output path, or {@code -} for standard output
 * @param statsJson where to write the JSON summary, or null
 * @param vxlanPorts UDP ports decoded as VXLAN (always includes 4789)
 */
public record DecapSettings(
    String input,
    String output,
    OutputFormat format,
    Path statsJson,
    int[] vxlanPorts,
    int greInUdpPort) {

  public static final int VXLAN_IANA_PORT = 4789;
  public static final String STANDARD_STREAM = "-";

  /** Checks the options together; a bad value is a usage error that names the option. */
  public static DecapSettings validated(
      String input,
      String output,
      OutputFormat format,
      Path statsJson,
      List<Integer> extraVxlanPorts,
      int greInUdpPort,
      CommandLine commandLine) {
    checkPort("--gre-in-udp-port", greInUdpPort, commandLine);
    TreeSet<Integer> ports = new TreeSet<>();
    ports.add(VXLAN_IANA_PORT);
    for (int port : extraVxlanPorts) {
      checkPort("--vxlan-port", port, commandLine);
      ports.add(port);
    }
    if (ports.contains(greInUdpPort)) {
      throw new ParameterException(
          commandLine,
          "--gre-in-udp-port "
              + greInUdpPort
              + " is also a VXLAN port: a UDP port carries one encapsulation");
    }
    if (input.equals(output) && !input.equals(STANDARD_STREAM)) {
      throw new ParameterException(
          commandLine, "-w " + output + " is the input file: it would be overwritten");
    }
    return new DecapSettings(
        input,
        output,
        format,
        statsJson,
        ports.stream().mapToInt(Integer::intValue).toArray(),
        greInUdpPort);
  }

  private static void checkPort(String option, int port, CommandLine commandLine) {
    if (port < 1 || port > 65_535) {
      throw new ParameterException(
          commandLine, option + " " + port + " is not a UDP port (1-65535)");
    }
  }
}

package dev.tapwire.cli;

import dev.tapwire.cli.decap.DecapSettings;
import dev.tapwire.cli.decap.Decapsulation;
import dev.tapwire.cli.decap.OutputFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tapwire decap}: offline decapsulation of a capture of tunnelled mirror traffic. */
@Command(
    name = "decap",
    mixinStandardHelpOptions = true,
    description = {
      "Decapsulates every ERSPAN I/II/III, GRE-TEB, VXLAN and GRE-in-UDP packet of a pcap or"
          + " pcapng capture and writes the inner frames byte for byte, in input order, stamped"
          + " with the outer record's time.",
      "Non-tunnel packets are skipped and counted; malformed ones are counted by reason."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the input was read (malformed packets are counted, not fatal)",
      "1:the input is not a usable capture file, or the output cannot be written",
      "2:usage error"
    })
final class DecapCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "-r",
      required = true,
      paramLabel = "IN",
      description = "Capture to read (pcap or pcapng; - for standard input).")
  String input;

  @Option(
      names = "-w",
      required = true,
      paramLabel = "OUT",
      description = "File to write the inner frames to (- for standard output).")
  String output;

  @Option(
      names = "--format",
      paramLabel = "pcapng|pcap",
      defaultValue = "pcapng",
      converter = OutputFormat.Converter.class,
      description = "Output format (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Option(
      names = "--stats-json",
      paramLabel = "FILE",
      description = "Write a JSON summary of frames, skips, invalid packets and streams.")
  Path statsJson;

  @Option(
      names = "--vxlan-port",
      paramLabel = "N",
      description = "Also decode VXLAN on this UDP port (4789 always; repeatable, e.g. 8472).")
  List<Integer> extraVxlanPorts = new ArrayList<>();

  @Option(
      names = "--gre-in-udp-port",
      paramLabel = "N",
      defaultValue = "4754",
      description = "UDP port of GRE-in-UDP (default: ${DEFAULT-VALUE}).")
  int greInUdpPort;

  @Override
  public Integer call() throws Exception {
    DecapSettings settings =
        DecapSettings.validated(
            input, output, format, statsJson, extraVxlanPorts, greInUdpPort, spec.commandLine());
    Decapsulation.run(settings, spec.commandLine().getErr());
    return 0;
  }
}

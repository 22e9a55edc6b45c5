package dev.tapwire.cli;

import dev.tapwire.cli.demo.Demo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tapwire demo}: the whole system end to end in network namespaces on this machine. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Builds a small network in network namespaces (deploy/topology): two switch hosts with a"
          + " captured link each, a collector and an IDS host on its mirror NIC. Runs one agent per"
          + " switch host (ERSPAN III) and the collector (pcapng files and the mirror NIC), real"
          + " traffic for --duration seconds with live progress, then a summary per source and a"
          + " check: every frame that reached the IDS host is byte-identical to one captured at a"
          + " source, nothing else reached it, and the books balance.",
      "Needs root. Removes every namespace and process it created when it ends, also on Ctrl-C."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the check passed",
      "1:the check failed, or the demo could not run (not root, a tool missing, ...)",
      "2:usage error"
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      defaultValue = "20",
      description = "How long traffic runs (default: ${DEFAULT-VALUE}).")
  long durationSeconds;

  @Option(
      names = {"-w", "--output"},
      paramLabel = "DIR",
      description =
          "Directory for the merged pcapng, the IDS and source captures and the logs"
              + " (default: tapwire-demo-<UTC time>).")
  Path output;

  @Option(
      names = "--prefix",
      paramLabel = "NAME",
      defaultValue = Demo.DEFAULT_PREFIX,
      description = "Name prefix of the namespaces (default: ${DEFAULT-VALUE}).")
  String prefix;

  @Option(
      names = "--mirror-speed-mbps",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Police the mirror NIC to N Mbit/s instead of its link speed, to see oversubscription"
              + " counted.")
  long mirrorSpeedMbps;

  @Option(names = "--scripts", paramLabel = "DIR", hidden = true)
  Path scripts;

  private final Demo.Privileges privileges;

  DemoCommand() {
    this(Demo.Privileges.SYSTEM);
  }

  DemoCommand(Demo.Privileges privileges) {
    this.privileges = privileges;
  }

  @Override
  public Integer call() throws Exception {
    Demo demo =
        Demo.validated(
            prefix,
            durationSeconds,
            output,
            mirrorSpeedMbps,
            scripts,
            privileges,
            spec.commandLine());
    return demo.run(spec.commandLine().getOut());
  }
}

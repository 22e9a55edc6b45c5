package dev.tapwire.cli;

import dev.tapwire.agent.AgentCommand;
import dev.tapwire.cli.control.AgentsCommand;
import dev.tapwire.cli.control.PolicyCommand;
import dev.tapwire.cli.control.StatsCommand;
import dev.tapwire.cli.control.TapCommand;
import dev.tapwire.collector.CollectorCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code tapwire} command: dispatches to the subcommands. */
@Command(
    name = "tapwire",
    mixinStandardHelpOptions = true,
    versionProvider = TapwireVersion.class,
    description = "Distributed remote SPAN: capture, tunnel, collect and deliver frames untouched.",
    subcommands = {
      DecapCommand.class,
      AgentCommand.class,
      CollectorCommand.class,
      DemoCommand.class,
      AgentsCommand.class,
      StatsCommand.class,
      TapCommand.class,
      PolicyCommand.class,
      CommandLine.HelpCommand.class
    })
public final class TapwireCli {

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine newCommandLine() {
    CommandLine commandLine = new CommandLine(new TapwireCli());
    commandLine.setExecutionExceptionHandler(new OneLineErrorHandler());
    return commandLine;
  }
}

package dev.tapwire.cli.control;

import picocli.CommandLine.Command;

/** {@code tapwire policy}: reads and changes agents' capture policy. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Shows or changes the capture policy the collector pushes to its agents.",
    subcommands = {PolicyGetCommand.class, PolicySetCommand.class})
public final class PolicyCommand {}

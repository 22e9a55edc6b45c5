package dev.tapwire.cli.control;

import dev.tapwire.proto.v1.AdminServiceGrpc;
import dev.tapwire.proto.v1.AgentInfo;
import dev.tapwire.proto.v1.AgentRates;
import dev.tapwire.proto.v1.ListAgentsRequest;
import dev.tapwire.proto.v1.ListAgentsResponse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tapwire agents}: the agents a collector knows, with state, policy, rates and drops. */
@Command(
    name = "agents",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the agents registered with a collector: state (connected, stale, disconnected), last"
          + " seen, policy version and its status, capture and export rates, drops.",
      "Rates come from the agents' last two stats reports."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed", "1:the collector could not be reached or refused the call"})
public final class AgentsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;
  @Mixin OutputFormatOption output;

  @Override
  public Integer call() {
    ListAgentsResponse response =
        ControlCalls.with(
            control,
            channel ->
                AdminServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(control.timeoutSeconds(), TimeUnit.SECONDS)
                    .listAgents(ListAgentsRequest.getDefaultInstance()));
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      out.println(OutputFormatOption.json(response, false));
    } else {
      print(response, System.currentTimeMillis() * 1_000_000L, out);
    }
    out.flush();
    return 0;
  }

  static void print(ListAgentsResponse response, long nowNs, PrintWriter out) {
    TextTable table =
        new TextTable(
            "AGENT",
            "HOST",
            "STATE",
            "LAST SEEN",
            "POLICY",
            "CAPTURED/S",
            "SENT/S",
            "EXPORT",
            "DROPPED/S",
            "KERNEL DROP/S",
            "ERROR");
    for (AgentInfo a : response.getAgentsList()) {
      AgentRates r = a.getRates();
      table.row(
          a.getAgentId(),
          a.getHostName(),
          Names.of(a.getState()),
          Units.ago(a.getLastSeenUnixNanos(), nowNs),
          "v" + a.getPolicyVersion() + " " + Names.of(a.getPolicyStatus()),
          Units.count(r.getCapturedFramesPerSecond()),
          Units.count(r.getSentFramesPerSecond()),
          Units.bitRate(r.getSentBitsPerSecond()),
          Units.count(r.getDroppedFramesPerSecond()),
          Units.count(r.getKernelDroppedFramesPerSecond()),
          a.getPolicyErrorMessage());
    }
    if (table.isEmpty()) {
      out.println("no agents registered");
    } else {
      table.print(out);
    }
  }
}

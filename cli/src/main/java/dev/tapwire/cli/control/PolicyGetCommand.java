package dev.tapwire.cli.control;

import dev.tapwire.proto.v1.AdminServiceGrpc;
import dev.tapwire.proto.v1.AgentInfo;
import dev.tapwire.proto.v1.AgentSelector;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.ListAgentsRequest;
import dev.tapwire.proto.v1.ListAgentsResponse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tapwire policy get}: each agent's current policy and whether it applied it. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Shows the latest capture policy of each agent (or one) and its status.")
public final class PolicyGetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;
  @Mixin OutputFormatOption output;

  @Option(names = "--agent", paramLabel = "ID", description = "Only this agent.")
  String agentId;

  @Override
  public Integer call() {
    ListAgentsRequest.Builder request = ListAgentsRequest.newBuilder();
    if (agentId != null) {
      request.setSelector(AgentSelector.newBuilder().setAgentId(agentId));
    }
    ListAgentsResponse response =
        ControlCalls.with(
            control,
            channel ->
                AdminServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(control.timeoutSeconds(), TimeUnit.SECONDS)
                    .listAgents(request.build()));
    PrintWriter out = spec.commandLine().getOut();
    if (agentId != null && response.getAgentsCount() == 0) {
      throw new dev.tapwire.cli.UserFacingException("unknown agent '" + agentId + "'");
    }
    if (output.json()) {
      out.println(OutputFormatOption.json(response, false));
    } else {
      TextTable table =
          new TextTable(
              "AGENT",
              "VERSION",
              "STATUS",
              "INTERFACES",
              "FILTER",
              "SNAPLEN",
              "SAMPLE",
              "ENCAP",
              "DESTINATION",
              "ERROR");
      for (AgentInfo a : response.getAgentsList()) {
        CapturePolicy p = a.getPolicy();
        table.row(
            a.getAgentId(),
            p.getPolicyVersion(),
            Names.of(a.getPolicyStatus()),
            p.getInterfacesList().stream()
                .map(i -> i.getName() + ":" + i.getSessionId())
                .collect(Collectors.joining(",")),
            p.getBpfFilter(),
            p.getSnapLenBytes(),
            p.getSampleOneInNFrames() <= 1 ? "all" : "1/" + p.getSampleOneInNFrames(),
            Names.of(p.getEncapsulation()),
            p.getDestination().getHost()
                + (p.getDestination().getPort() == 0 ? "" : ":" + p.getDestination().getPort()),
            a.getPolicyErrorMessage());
      }
      if (table.isEmpty()) {
        out.println("no agents registered");
      } else {
        table.print(out);
      }
    }
    out.flush();
    return 0;
  }
}

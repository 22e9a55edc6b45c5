package dev.tapwire.cli.control;

import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Durations;
import dev.tapwire.cli.UserFacingException;
import dev.tapwire.proto.v1.AdminServiceGrpc;
import dev.tapwire.proto.v1.AgentPolicyResult;
import dev.tapwire.proto.v1.AgentSelector;
import dev.tapwire.proto.v1.CaptureInterface;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.Endpoint;
import dev.tapwire.proto.v1.LabelSelector;
import dev.tapwire.proto.v1.PolicyStatus;
import dev.tapwire.proto.v1.SetPolicyRequest;
import dev.tapwire.proto.v1.SetPolicyResponse;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tapwire policy set}: changes the fields given on the command line, for one agent, the
 * agents matching labels, or all; the collector versions the change, pushes it and records it for
 * agents that register later.
 */
@Command(
    name = "set",
    mixinStandardHelpOptions = true,
    description = {
      "Changes only the policy fields given, e.g.:",
      "  tapwire policy set --all --interface eth0 --filter 'tcp port 443' --snaplen 256",
      "  tapwire policy set --selector zone=b --sample 10",
      "The collector checks what it can (snap length, sampling, encapsulation against the agent's"
          + " capabilities, interfaces, BPF syntax); each agent checks the rest and reports."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every selected agent has the change (pending, or applied with --wait)",
      "1:an agent or the collector rejected it, or the call failed",
      "2:usage error"
    })
public final class PolicySetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  /** Exactly one target. */
  static final class Target {
    @Option(names = "--agent", paramLabel = "ID", description = "The agent with this id.")
    String agentId;

    @Option(
        names = "--selector",
        paramLabel = "K=V[,K=V...]",
        description = "The agents carrying all these labels.")
    String selector;

    @Option(names = "--all", description = "Every agent, and agents registering later.")
    boolean all;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(
      names = "--interface",
      paramLabel = "IF",
      description = "Capture on these interfaces (repeatable; replaces the list).")
  List<String> interfaces;

  @Option(names = "--filter", paramLabel = "BPF", description = "Capture filter (\"\" clears it).")
  String filter;

  @Option(names = "--snaplen", paramLabel = "N", description = "Bytes kept per frame (0: all).")
  Integer snapLenBytes;

  @Option(names = "--sample", paramLabel = "N", description = "Keep one frame in N (1: all).")
  Integer sampleOneInN;

  @Option(
      names = "--encap",
      paramLabel = "E",
      description = "erspan-ii, erspan-iii, teb, vxlan, gre-in-udp or grpc.")
  String encapsulation;

  @Option(
      names = "--destination",
      paramLabel = "HOST[:PORT]",
      description = "Where agents send their tunnel.")
  String destination;

  @Option(
      names = "--rate-limit-mbps",
      paramLabel = "N",
      description = "Export rate limit per agent (0: none).")
  Long rateLimitMbps;

  @Option(
      names = "--promiscuous",
      negatable = true,
      description = "Put captured interfaces in promiscuous mode.")
  Boolean promiscuous;

  @Option(names = "--validate-only", description = "Check the change without applying it.")
  boolean validateOnly;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      description = "Wait up to SECONDS for agents to report applied or rejected.")
  Integer waitSeconds;

  @Override
  public Integer call() {
    SetPolicyRequest request = request();
    long timeout = Math.max(control.timeoutSeconds(), waitSeconds == null ? 0 : waitSeconds + 2L);
    SetPolicyResponse response =
        ControlCalls.with(
            control,
            channel ->
                AdminServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeout, TimeUnit.SECONDS)
                    .setPolicy(request));
    PrintWriter out = spec.commandLine().getOut();
    if (response.getResultsCount() == 0) {
      out.println("no agent matched");
      out.flush();
      return 0;
    }
    TextTable table = new TextTable("AGENT", "VERSION", "STATUS", "ERROR");
    boolean rejected = false;
    for (AgentPolicyResult r : response.getResultsList()) {
      rejected |= r.getStatus() == PolicyStatus.POLICY_STATUS_REJECTED;
      table.row(
          r.getAgentId(),
          r.getPolicyVersion() == 0 ? "-" : r.getPolicyVersion(),
          validateOnly && r.getStatus() == PolicyStatus.POLICY_STATUS_UNSPECIFIED
              ? "valid"
              : Names.of(r.getStatus()),
          r.getErrorMessage());
    }
    table.print(out);
    out.flush();
    return rejected ? 1 : 0;
  }

  SetPolicyRequest request() {
    CapturePolicy.Builder policy = CapturePolicy.newBuilder();
    FieldMask.Builder mask = FieldMask.newBuilder();
    if (interfaces != null) {
      interfaces.forEach(i -> policy.addInterfaces(CaptureInterface.newBuilder().setName(i)));
      mask.addPaths("interfaces");
    }
    if (filter != null) {
      policy.setBpfFilter(filter);
      mask.addPaths("bpf_filter");
    }
    if (snapLenBytes != null) {
      if (snapLenBytes < 0) {
        throw new UserFacingException("--snaplen must be 0 or more, not " + snapLenBytes);
      }
      policy.setSnapLenBytes(snapLenBytes);
      mask.addPaths("snap_len_bytes");
    }
    if (sampleOneInN != null) {
      if (sampleOneInN < 1) {
        throw new UserFacingException("--sample must be 1 or more, not " + sampleOneInN);
      }
      policy.setSampleOneInNFrames(sampleOneInN);
      mask.addPaths("sample_one_in_n_frames");
    }
    if (encapsulation != null) {
      try {
        policy.setEncapsulation(Names.encapsulation(encapsulation));
      } catch (IllegalArgumentException e) {
        throw new UserFacingException(e.getMessage());
      }
      mask.addPaths("encapsulation");
    }
    if (destination != null) {
      policy.setDestination(endpoint(destination));
      mask.addPaths("destination");
    }
    if (rateLimitMbps != null) {
      if (rateLimitMbps < 0) {
        throw new UserFacingException("--rate-limit-mbps must be 0 or more");
      }
      policy.setRateLimitBitsPerSecond(rateLimitMbps * 1_000_000L);
      mask.addPaths("rate_limit_bits_per_second");
    }
    if (promiscuous != null) {
      policy.setPromiscuous(promiscuous);
      mask.addPaths("promiscuous");
    }
    if (mask.getPathsCount() == 0) {
      throw new UserFacingException(
          "nothing to change: give --interface, --filter, --snaplen, --sample, --encap,"
              + " --destination, --rate-limit-mbps or --promiscuous");
    }
    SetPolicyRequest.Builder request =
        SetPolicyRequest.newBuilder()
            .setTarget(selector())
            .setPolicy(policy)
            .setUpdateMask(mask)
            .setValidateOnly(validateOnly);
    if (waitSeconds != null) {
      request.setApplyTimeout(Durations.fromSeconds(waitSeconds));
    }
    return request.build();
  }

  private AgentSelector selector() {
    if (target.agentId != null) {
      return AgentSelector.newBuilder().setAgentId(target.agentId).build();
    }
    if (target.selector != null) {
      LabelSelector.Builder labels = LabelSelector.newBuilder();
      for (String pair : target.selector.split(",")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new UserFacingException("--selector expects key=value pairs, not '" + pair + "'");
        }
        labels.putMatchLabels(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
      return AgentSelector.newBuilder().setLabels(labels).build();
    }
    return AgentSelector.newBuilder().setAllAgents(true).build();
  }

  private static Endpoint endpoint(String text) {
    String t = text.strip();
    int colon = t.lastIndexOf(':');
    if (colon > 0 && t.indexOf(':') == colon) {
      try {
        return Endpoint.newBuilder()
            .setHost(t.substring(0, colon))
            .setPort(Integer.parseInt(t.substring(colon + 1)))
            .build();
      } catch (NumberFormatException e) {
        throw new UserFacingException("--destination: bad port in '" + text + "'");
      }
    }
    return Endpoint.newBuilder().setHost(t.replace("[", "").replace("]", "")).build();
  }
}

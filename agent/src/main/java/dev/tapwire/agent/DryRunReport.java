package dev.tapwire.agent;

import dev.tapwire.agent.capture.BpfCompiler;
import dev.tapwire.agent.capture.CaptureException;
import dev.tapwire.agent.config.AgentConfig;
import java.util.List;

/** What {@code --dry-run} prints: the effective configuration, the exact filter, its program. */
final class DryRunReport {
  private DryRunReport() {}

  static String render(AgentPlan plan) {
    AgentConfig c = plan.config();
    StringBuilder out = new StringBuilder();
    line(out, "collector", c.collectorHost() + " (" + plan.collector().getHostAddress() + ")");
    for (AgentPlan.InterfacePlan iface : plan.interfaces()) {
      line(
          out,
          "interface",
          iface.name() + " (index " + iface.index() + ", session id " + iface.sessionId() + ")");
    }
    line(out, "encapsulation", c.encapsulation().label());
    if (c.encapsulation() == dev.tapwire.agent.config.AgentEncapsulation.VXLAN) {
      line(out, "vxlan-port", c.vxlanPort());
    }
    if (plan.grpc()) {
      line(out, "collector port", c.collectorPort());
      line(
          out,
          "tls",
          !c.tls().enabled()
              ? "off (plaintext)"
              : c.tls().cert() != null ? "mutual (client certificate)" : "server verified");
    }
    line(
        out,
        "source",
        plan.source() == null ? "chosen by routing" : plan.source().getHostAddress());
    line(out, "snaplen", c.snapLenBytes());
    line(out, "captured bytes per frame", plan.frameBytes());
    line(out, "path-mtu", c.pathMtuBytes());
    line(out, "oversize", c.truncateOversize() ? "truncate" : "fragment");
    line(out, "promiscuous", c.promiscuous());
    line(out, "immediate-mode", c.immediateMode());
    line(out, "send-method", c.sendMethod().name().toLowerCase(java.util.Locale.ROOT));
    line(out, "direction", c.direction().name().toLowerCase(java.util.Locale.ROOT));
    line(out, "buffer-kib", c.kernelBufferBytes() / 1024);
    line(out, "sample", c.sampleOneInN() == 1 ? "off" : "1 in " + c.sampleOneInN());
    line(
        out,
        "rate-limit-mbps",
        c.rateLimitBitsPerSecond() == 0 ? "off" : c.rateLimitBitsPerSecond() / 1_000_000);
    line(
        out,
        "rate-limit-pps",
        c.rateLimitPacketsPerSecond() == 0 ? "off" : c.rateLimitPacketsPerSecond());
    line(out, "queue-frames", plan.queueSlots() + " per interface");
    line(
        out,
        "metrics",
        (c.metricsAddress() == null ? "*" : c.metricsAddress().getHostAddress())
            + ":"
            + c.metricsPort());
    line(out, "control", control(plan));
    if (!c.control().labels().isEmpty()) {
      line(out, "labels", c.control().labels());
    }
    line(out, "user filter", c.filter().isEmpty() ? "(none)" : c.filter());
    line(out, "filter", plan.filter());
    out.append("program:\n");
    try {
      List<String> program = BpfCompiler.compile(plan.filter(), plan.frameBytes());
      for (String instruction : program) {
        out.append("  ").append(instruction).append('\n');
      }
    } catch (CaptureException e) {
      out.append("  (").append(e.getMessage()).append(")\n");
    }
    return out.toString();
  }

  /** One line for the log when the agent starts. */
  static String summary(AgentPlan plan, Agent agent) {
    StringBuilder interfaces = new StringBuilder();
    for (int i = 0; i < plan.interfaces().size(); i++) {
      if (i > 0) {
        interfaces.append(", ");
      }
      interfaces
          .append(plan.interfaces().get(i).name())
          .append(agent.nanosecondTimestamps(i) ? " (ns timestamps)" : " (us timestamps)");
    }
    return "capturing on "
        + interfaces
        + ", sending "
        + plan.config().encapsulation().label()
        + " to "
        + plan.collector().getHostAddress()
        + " ("
        + agent.transportDescription()
        + "); filter: "
        + plan.filter()
        + (agent.metricsPort() > 0 ? "; metrics on port " + agent.metricsPort() : "")
        + "; control: "
        + control(plan);
  }

  private static String control(AgentPlan plan) {
    dev.tapwire.agent.config.ControlConfig control = plan.config().control();
    if (!control.enabled()) {
      return "off (local settings only)";
    }
    return plan.collector().getHostAddress()
        + " port "
        + control.port()
        + (control.tlsCertificate() != null
            ? " (mTLS)"
            : control.tls() ? " (TLS)" : " (plaintext)");
  }

  private static void line(StringBuilder out, String key, Object value) {
    out.append(key).append(": ").append(value).append('\n');
  }
}

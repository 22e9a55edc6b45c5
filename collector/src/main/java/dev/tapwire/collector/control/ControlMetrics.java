package dev.tapwire.collector.control;

import dev.tapwire.proto.v1.AgentState;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.Map;

/** The control plane's metrics, read from the registry and the tap sink at scrape time. */
final class ControlMetrics {
  private ControlMetrics() {}

  static void register(PrometheusRegistry metrics, AgentRegistry registry, TapSink tap) {
    GaugeWithCallback.builder()
        .name("tapwire_collector_agents")
        .help("Registered agents, by state.")
        .labelNames("state")
        .callback(
            cb -> {
              Map<AgentState, Integer> byState = registry.agentsByState();
              for (AgentState state :
                  new AgentState[] {
                    AgentState.AGENT_STATE_CONNECTED,
                    AgentState.AGENT_STATE_STALE,
                    AgentState.AGENT_STATE_DISCONNECTED
                  }) {
                cb.call(byState.getOrDefault(state, 0), label(state));
              }
            })
        .register(metrics);
    GaugeWithCallback.builder()
        .name("tapwire_collector_sessions")
        .help("ERSPAN session ids held by registered agents (of 1024).")
        .callback(cb -> cb.call(registry.sessionsInUse()))
        .register(metrics);
    CounterWithCallback.builder()
        .name("tapwire_collector_registrations_refused_total")
        .help("Agent registrations refused because every ERSPAN session id was taken.")
        .callback(cb -> cb.call(registry.registrationsRefused()))
        .register(metrics);
    CounterWithCallback.builder()
        .name("tapwire_collector_agents_reclaimed_total")
        .help("Disconnected agents forgotten to give their session ids to new agents.")
        .callback(cb -> cb.call(registry.agentsReclaimed()))
        .register(metrics);
    GaugeWithCallback.builder()
        .name("tapwire_collector_tap_clients")
        .help("Live tap streams.")
        .callback(cb -> cb.call(tap.clientCount()))
        .register(metrics);
  }

  private static String label(AgentState state) {
    return state.name().substring("AGENT_STATE_".length()).toLowerCase(Locale.ROOT);
  }
}

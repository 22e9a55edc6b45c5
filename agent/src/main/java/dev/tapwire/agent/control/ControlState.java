package dev.tapwire.agent.control;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Consumer;

/**
 * What the control client exposes: written by the control thread only, read by scrapes and tests.
 */
public final class ControlState {
  private volatile boolean connected;
  private volatile long policyVersion;
  private volatile long policiesRejected;
  private volatile long policiesApplied;
  private volatile long registrations;
  private volatile String agentId = "";
  private volatile String lastError = "";
  private volatile Consumer<String> events = event -> {};

  /** Receives one line per registration, policy outcome and lost connection (for the log). */
  public void onEvent(Consumer<String> listener) {
    events = listener;
  }

  void connected(boolean value) {
    if (connected && !value) {
      events.accept("control plane lost: " + lastError + "; mirroring goes on, reconnecting");
    }
    connected = value;
  }

  void registered(String id) {
    agentId = id;
    registrations++;
    events.accept("registered with the collector as " + id);
  }

  void applied(long version) {
    policyVersion = version;
    policiesApplied++;
    events.accept("policy " + version + " applied");
  }

  void rejected(long version, String error) {
    policiesRejected++;
    lastError = error;
    events.accept("policy " + version + " rejected: " + error);
  }

  void failed(String error) {
    lastError = error;
  }

  /** Whether a registration succeeded and no call has failed since. */
  public boolean connected() {
    return connected;
  }

  /** Version of the policy in force; 0 while the agent runs on its local settings. */
  public long policyVersion() {
    return policyVersion;
  }

  public long policiesRejected() {
    return policiesRejected;
  }

  public long policiesApplied() {
    return policiesApplied;
  }

  /** Successful Register calls (one per connection). */
  public long registrations() {
    return registrations;
  }

  /** The id the collector gave, or empty before the first registration. */
  public String agentId() {
    return agentId;
  }

  /** The last control-plane error (a failed call or a rejected policy), for the log. */
  public String lastError() {
    return lastError;
  }

  /** Registers the control-plane metrics. */
  public void register(PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("tapwire_agent_control_connected")
        .help("1 while the agent is registered with the collector's control plane, else 0")
        .callback(cb -> cb.call(connected ? 1 : 0))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tapwire_agent_policy_version")
        .help("Version of the capture policy in force; 0 for the local settings")
        .callback(cb -> cb.call(policyVersion))
        .register(registry);
    CounterWithCallback.builder()
        .name("tapwire_agent_policy_rejected_total")
        .help("Policy versions the agent refused (the previous policy stayed in force)")
        .callback(cb -> cb.call(policiesRejected))
        .register(registry);
  }
}

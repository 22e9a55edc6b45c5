package dev.tapwire.collector.control;

import dev.tapwire.proto.v1.AgentInfo;
import dev.tapwire.proto.v1.AgentState;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.PolicyStatus;
import dev.tapwire.proto.v1.RegisterRequest;
import dev.tapwire.proto.v1.ReportStatsRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the collector holds about one agent. Guarded by the {@link AgentRegistry}'s lock. */
final class AgentRecord {
  final String agentId;
  RegisterRequest registration;
  String peerAddress = "";
  long registerTimeNs;
  long lastSeenNs;

  /** Session id per interface name, stable for the life of the record. */
  final Map<String, Integer> sessions = new LinkedHashMap<>();

  CapturePolicy policy;
  PolicyStatus policyStatus = PolicyStatus.POLICY_STATUS_PENDING;
  String policyError = "";
  long appliedVersion;
  String exportSourceAddress = "";

  ReportStatsRequest lastReport;
  ReportStatsRequest previousReport;
  long lastReportNs;

  final List<PolicyWatch> watches = new ArrayList<>();

  AgentRecord(String agentId) {
    this.agentId = agentId;
  }

  /**
   * CONNECTED while it reports on time, STALE once its last report (or its registration) is more
   * than one interval late, DISCONNECTED after three intervals with no open WatchPolicy stream.
   */
  AgentState state(long nowNs, long reportIntervalNs) {
    long since = nowNs - Math.max(lastReportNs, registerTimeNs);
    if (watches.isEmpty() && since > 3 * reportIntervalNs) {
      return AgentState.AGENT_STATE_DISCONNECTED;
    }
    if (since > 2 * reportIntervalNs) {
      return AgentState.AGENT_STATE_STALE;
    }
    return AgentState.AGENT_STATE_CONNECTED;
  }

  AgentInfo toInfo(long nowNs, long reportIntervalNs) {
    AgentInfo.Builder info =
        AgentInfo.newBuilder()
            .setAgentId(agentId)
            .setHostName(registration.getHostName())
            .setAgentVersion(registration.getAgentVersion())
            .putAllLabels(registration.getLabelsMap())
            .addAllInterfaces(registration.getInterfacesList())
            .setCapabilities(registration.getCapabilities())
            .setState(state(nowNs, reportIntervalNs))
            .setPeerAddress(peerAddress)
            .setExportSourceAddress(exportSourceAddress)
            .setRegisterTimeUnixNanos(registerTimeNs)
            .setLastSeenUnixNanos(lastSeenNs)
            .setPolicyVersion(policy.getPolicyVersion())
            .setPolicy(policy)
            .setPolicyStatus(policyStatus)
            .setPolicyErrorMessage(policyError)
            .setAppliedPolicyVersion(appliedVersion)
            .setRates(AgentRatesCalculator.rates(previousReport, lastReport));
    if (lastReport != null) {
      info.setStats(lastReport.getStats());
    }
    return info.build();
  }
}

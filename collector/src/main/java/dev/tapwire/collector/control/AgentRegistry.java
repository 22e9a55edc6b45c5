package dev.tapwire.collector.control;

import com.google.protobuf.Duration;
import com.google.protobuf.util.Durations;
import dev.tapwire.proto.v1.AgentInfo;
import dev.tapwire.proto.v1.AgentPolicyResult;
import dev.tapwire.proto.v1.AgentSelector;
import dev.tapwire.proto.v1.AgentState;
import dev.tapwire.proto.v1.CaptureInterface;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.Encapsulation;
import dev.tapwire.proto.v1.Endpoint;
import dev.tapwire.proto.v1.InterfaceInfo;
import dev.tapwire.proto.v1.OversizeAction;
import dev.tapwire.proto.v1.PolicyStatus;
import dev.tapwire.proto.v1.RegisterRequest;
import dev.tapwire.proto.v1.RegisterResponse;
import dev.tapwire.proto.v1.ReportPolicyStatusRequest;
import dev.tapwire.proto.v1.ReportStatsRequest;
import dev.tapwire.proto.v1.SetPolicyRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The collector's view of its agents: registrations, session ids, versioned capture policies and
 * their status, and the agents' last reports. One lock guards everything; the control plane is not
 * a hot path (a few calls per agent per report interval).
 *
 * <p>Session ids: each interface an agent reports gets an id from one collector-wide space of 1024
 * (the ERSPAN session field), so no two registered agents' streams share one. A registration that
 * needs more ids than are free first forgets agents that are DISCONNECTED (oldest first) to take
 * theirs; if that is not enough it fails with RESOURCE_EXHAUSTED, and the refusal is counted.
 */
public final class AgentRegistry {
  private static final System.Logger LOG = System.getLogger(AgentRegistry.class.getName());

  /** SetPolicy changes kept for replay to agents that register later. */
  static final int MAX_RECORDED_CHANGES = 256;

  private final LongSupplier clockNs;
  private final long reportIntervalNs;
  private final SessionAllocator sessions = new SessionAllocator();
  private final Map<String, AgentRecord> agents = new TreeMap<>();
  private final ArrayDeque<SetPolicyRequest> changes = new ArrayDeque<>();
  private final SecureRandom random = new SecureRandom();
  private long registrationsRefused;
  private long agentsReclaimed;

  /**
   * @param clockNs epoch nanoseconds (tests drive it)
   * @param reportIntervalNs interval between two ReportStats calls of an agent
   */
  public AgentRegistry(LongSupplier clockNs, long reportIntervalNs) {
    this.clockNs = clockNs;
    this.reportIntervalNs = reportIntervalNs;
  }

  public long reportIntervalNs() {
    return reportIntervalNs;
  }

  /**
   * Registers an agent, or re-registers a known one under its previous id with its session ids.
   *
   * @param peerAddress the agent's control connection as the collector sees it
   * @param collectorHost the collector address the agent reached, the default tunnel destination
   * @throws StatusRuntimeException RESOURCE_EXHAUSTED when no session ids are left
   */
  public synchronized RegisterResponse register(
      RegisterRequest request, String peerAddress, String collectorHost) {
    long nowNs = clockNs.getAsLong();
    AgentRecord record = agents.get(request.getPreviousAgentId());
    boolean known = record != null;
    if (!known) {
      record = new AgentRecord(newAgentId(request.getHostName()));
    }
    List<String> missing = new ArrayList<>();
    for (InterfaceInfo info : request.getInterfacesList()) {
      if (!record.sessions.containsKey(info.getName()) && !missing.contains(info.getName())) {
        missing.add(info.getName());
      }
    }
    if (!reserve(record, missing)) {
      registrationsRefused++;
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              "no ERSPAN session ids left: "
                  + sessions.inUse()
                  + " of "
                  + SessionAllocator.SESSION_IDS
                  + " are held by "
                  + agents.size()
                  + " registered agents; "
                  + missing.size()
                  + " needed")
          .asRuntimeException();
    }
    record.registration = request;
    record.peerAddress = peerAddress;
    record.registerTimeNs = nowNs;
    record.lastSeenNs = nowNs;
    if (!known) {
      record.policy = initialPolicy(record, collectorHost);
      agents.put(record.agentId, record);
    }
    return RegisterResponse.newBuilder()
        .setAgentId(record.agentId)
        .putAllSessionIds(record.sessions)
        .setPolicy(record.policy)
        .setReportInterval(Durations.fromNanos(reportIntervalNs))
        .build();
  }

  private boolean reserve(AgentRecord record, List<String> names) {
    if (sessions.free() < names.size()) {
      reclaimDisconnected(names.size(), record);
    }
    if (sessions.free() < names.size()) {
      return false;
    }
    for (String name : names) {
      record.sessions.put(name, sessions.allocate());
    }
    return true;
  }

  /** Forgets DISCONNECTED agents, oldest last-seen first, until {@code needed} ids are free. */
  private void reclaimDisconnected(int needed, AgentRecord keep) {
    long nowNs = clockNs.getAsLong();
    List<AgentRecord> gone = new ArrayList<>();
    for (AgentRecord r : agents.values()) {
      if (r != keep && r.state(nowNs, reportIntervalNs) == AgentState.AGENT_STATE_DISCONNECTED) {
        gone.add(r);
      }
    }
    gone.sort(Comparator.comparingLong(r -> r.lastSeenNs));
    for (AgentRecord r : gone) {
      if (sessions.free() >= needed) {
        return;
      }
      agents.remove(r.agentId);
      r.sessions.values().forEach(sessions::free);
      agentsReclaimed++;
      LOG.log(
          System.Logger.Level.WARNING,
          "forgot disconnected agent "
              + r.agentId
              + " ("
              + r.registration.getHostName()
              + ") to reuse its "
              + r.sessions.size()
              + " session ids");
    }
  }

  private String newAgentId(String hostName) {
    String base = hostName.isBlank() ? "agent" : hostName.replaceAll("[^A-Za-z0-9_.-]", "_");
    String id;
    do {
      byte[] suffix = new byte[3];
      random.nextBytes(suffix);
      id = base + "-" + HexFormat.of().formatHex(suffix);
    } while (agents.containsKey(id));
    return id;
  }

  /**
   * The agent's own settings ({@code local_policy}, with the session ids reserved for its
   * interfaces), or for an agent that sends none an idle (no interface) ERSPAN II toward the
   * collector; then every recorded change that applies.
   */
  private CapturePolicy initialPolicy(AgentRecord record, String collectorHost) {
    CapturePolicy policy;
    if (record.registration.hasLocalPolicy()) {
      CapturePolicy local = record.registration.getLocalPolicy();
      CapturePolicy.Builder builder = local.toBuilder().setPolicyVersion(0).clearInterfaces();
      for (CaptureInterface i : local.getInterfacesList()) {
        Integer id = record.sessions.get(i.getName());
        builder.addInterfaces(
            id == null ? i.toBuilder().clearSessionId() : i.toBuilder().setSessionId(id));
      }
      policy = builder.build();
    } else {
      policy =
          CapturePolicy.newBuilder()
              .setEncapsulation(Encapsulation.ENCAPSULATION_ERSPAN_II)
              .setDestination(Endpoint.newBuilder().setHost(collectorHost))
              .setPromiscuous(true)
              .setOversizeAction(OversizeAction.OVERSIZE_ACTION_TRUNCATE)
              .build();
    }
    record.policy = policy;
    for (SetPolicyRequest change : changes) {
      if (selects(change.getTarget(), record)) {
        Map<String, Integer> before = new LinkedHashMap<>(record.sessions);
        CapturePolicy next = withSessions(record, change);
        if (next != null
            && PolicyEditor.validate(next, record.registration, record.sessions) == null) {
          policy = next;
          record.policy = next;
        } else {
          giveBack(record, before); // a change this agent cannot take keeps no ids
        }
      }
    }
    return policy.toBuilder().setPolicyVersion(1).build();
  }

  /** The change applied to the agent's policy with session ids filled in, or null if none left. */
  private CapturePolicy withSessions(AgentRecord record, SetPolicyRequest change) {
    CapturePolicy merged =
        PolicyEditor.apply(record.policy, change.getPolicy(), change.getUpdateMask());
    List<String> missing = new ArrayList<>();
    for (CaptureInterface i : merged.getInterfacesList()) {
      if (!record.sessions.containsKey(i.getName()) && !missing.contains(i.getName())) {
        missing.add(i.getName());
      }
    }
    if (!missing.isEmpty() && !reserve(record, missing)) {
      return null;
    }
    CapturePolicy.Builder builder = merged.toBuilder().clearInterfaces();
    for (CaptureInterface i : merged.getInterfacesList()) {
      builder.addInterfaces(
          i.hasSessionId()
              ? i
              : i.toBuilder().setSessionId(record.sessions.get(i.getName())).build());
    }
    return builder.build();
  }

  private void giveBack(AgentRecord record, Map<String, Integer> before) {
    for (Map.Entry<String, Integer> e : new HashMap<>(record.sessions).entrySet()) {
      if (!before.containsKey(e.getKey())) {
        record.sessions.remove(e.getKey());
        sessions.free(e.getValue());
      }
    }
  }

  /** Starts a WatchPolicy stream: sends the policy now if newer than {@code knownVersion}. */
  public synchronized void watch(String agentId, long knownVersion, PolicyWatch watch) {
    AgentRecord record = require(agentId);
    record.lastSeenNs = clockNs.getAsLong();
    record.watches.add(watch);
    if (record.policy.getPolicyVersion() > knownVersion && !watch.send(record.policy)) {
      record.watches.remove(watch);
    }
  }

  /** Ends a WatchPolicy stream (client gone or deadline reached). */
  public synchronized void unwatch(String agentId, PolicyWatch watch) {
    AgentRecord record = agents.get(agentId);
    if (record != null && record.watches.remove(watch)) {
      record.lastSeenNs = clockNs.getAsLong();
    }
  }

  public synchronized void reportPolicyStatus(ReportPolicyStatusRequest request) {
    AgentRecord record = require(request.getAgentId());
    record.lastSeenNs = clockNs.getAsLong();
    if (!request.getExportSourceAddress().isEmpty()) {
      record.exportSourceAddress = request.getExportSourceAddress();
    }
    PolicyStatus status = request.getStatus();
    if (status != PolicyStatus.POLICY_STATUS_APPLIED
        && status != PolicyStatus.POLICY_STATUS_REJECTED) {
      throw Status.INVALID_ARGUMENT
          .withDescription("status must be POLICY_STATUS_APPLIED or POLICY_STATUS_REJECTED")
          .asRuntimeException();
    }
    if (status == PolicyStatus.POLICY_STATUS_APPLIED) {
      record.appliedVersion = Math.max(record.appliedVersion, request.getPolicyVersion());
    }
    if (request.getPolicyVersion() == record.policy.getPolicyVersion()) {
      record.policyStatus = status;
      record.policyError =
          status == PolicyStatus.POLICY_STATUS_REJECTED ? request.getErrorMessage() : "";
    }
    notifyAll();
  }

  /** Stores a stats report (also the agent's heartbeat); returns the report interval. */
  public synchronized Duration reportStats(ReportStatsRequest request) {
    AgentRecord record = require(request.getAgentId());
    long nowNs = clockNs.getAsLong();
    record.lastSeenNs = nowNs;
    record.previousReport = record.lastReport;
    record.lastReport = request;
    record.lastReportNs = nowNs;
    return Durations.fromNanos(reportIntervalNs);
  }

  /** The selected agents (every agent when {@code selector} selects nothing in particular). */
  public synchronized List<AgentInfo> list(AgentSelector selector) {
    long nowNs = clockNs.getAsLong();
    List<AgentInfo> list = new ArrayList<>();
    for (AgentRecord record : agents.values()) {
      if (selector.getTargetCase() == AgentSelector.TargetCase.TARGET_NOT_SET
          || selects(selector, record)) {
        list.add(record.toInfo(nowNs, reportIntervalNs));
      }
    }
    return list;
  }

  /**
   * Applies a validated SetPolicy request (its mask was checked) to every selected agent: a new
   * version per agent for which the result is valid, pushed to its open WatchPolicy streams.
   */
  public synchronized List<AgentPolicyResult> setPolicy(SetPolicyRequest request) {
    List<AgentPolicyResult> results = new ArrayList<>();
    for (AgentRecord record : agents.values()) {
      if (!selects(request.getTarget(), record)) {
        continue;
      }
      results.add(setPolicy(record, request));
    }
    if (!request.getValidateOnly()
        && request.getTarget().getTargetCase() != AgentSelector.TargetCase.AGENT_ID) {
      if (changes.size() == MAX_RECORDED_CHANGES) {
        changes.removeFirst();
        LOG.log(
            System.Logger.Level.WARNING,
            "more than "
                + MAX_RECORDED_CHANGES
                + " policy changes recorded: agents registering from now on no longer replay the"
                + " oldest one");
      }
      changes.addLast(request);
    }
    return results;
  }

  private AgentPolicyResult setPolicy(AgentRecord record, SetPolicyRequest request) {
    AgentPolicyResult.Builder result = AgentPolicyResult.newBuilder().setAgentId(record.agentId);
    Map<String, Integer> sessionsBefore = new LinkedHashMap<>(record.sessions);
    CapturePolicy next = withSessions(record, request);
    String error =
        next == null
            ? "no ERSPAN session ids left for the new interfaces"
            : PolicyEditor.validate(next, record.registration, record.sessions);
    if (error != null || request.getValidateOnly()) {
      giveBack(record, sessionsBefore); // ids reserved for this change only
      return result
          .setStatus(
              error == null
                  ? PolicyStatus.POLICY_STATUS_UNSPECIFIED
                  : PolicyStatus.POLICY_STATUS_REJECTED)
          .setErrorMessage(error == null ? "" : error)
          .build();
    }
    long version = record.policy.getPolicyVersion() + 1;
    record.policy = next.toBuilder().setPolicyVersion(version).build();
    record.policyStatus = PolicyStatus.POLICY_STATUS_PENDING;
    record.policyError = "";
    record.watches.removeIf(w -> !w.send(record.policy));
    return result.setPolicyVersion(version).setStatus(PolicyStatus.POLICY_STATUS_PENDING).build();
  }

  /**
   * Waits until each agent answered its version (or a later one replaced it), or until {@code
   * deadlineNanoTime} ({@link System#nanoTime}); returns the results with the statuses then.
   */
  public synchronized List<AgentPolicyResult> awaitAnswers(
      List<AgentPolicyResult> pending, long deadlineNanoTime) throws InterruptedException {
    while (true) {
      List<AgentPolicyResult> now = new ArrayList<>();
      boolean waiting = false;
      for (AgentPolicyResult r : pending) {
        AgentRecord record = agents.get(r.getAgentId());
        if (r.getStatus() != PolicyStatus.POLICY_STATUS_PENDING
            || record == null
            || record.policy.getPolicyVersion() != r.getPolicyVersion()) {
          now.add(r);
          continue;
        }
        waiting |= record.policyStatus == PolicyStatus.POLICY_STATUS_PENDING;
        now.add(
            r.toBuilder()
                .setStatus(record.policyStatus)
                .setErrorMessage(record.policyError)
                .build());
      }
      long remainingNs = deadlineNanoTime - System.nanoTime();
      if (!waiting || remainingNs <= 0) {
        return now;
      }
      TimeUnit.NANOSECONDS.timedWait(this, remainingNs);
    }
  }

  /** Which agent interface sends each (export address, session id), for naming streams. */
  public synchronized Map<StreamOwner.Key, StreamOwner> streamOwners() {
    Map<StreamOwner.Key, StreamOwner> owners = new HashMap<>();
    for (AgentRecord record : agents.values()) {
      if (record.exportSourceAddress.isEmpty()) {
        continue;
      }
      record.sessions.forEach(
          (name, session) ->
              owners.put(
                  new StreamOwner.Key(record.exportSourceAddress, session),
                  new StreamOwner(record.agentId, record.registration.getHostName(), name)));
    }
    return owners;
  }

  public synchronized long registrationsRefused() {
    return registrationsRefused;
  }

  public synchronized long agentsReclaimed() {
    return agentsReclaimed;
  }

  public synchronized int sessionsInUse() {
    return sessions.inUse();
  }

  /** Agents by state, for the metrics gauge. */
  public synchronized Map<AgentState, Integer> agentsByState() {
    long nowNs = clockNs.getAsLong();
    Map<AgentState, Integer> counts = new TreeMap<>();
    for (AgentRecord record : agents.values()) {
      counts.merge(record.state(nowNs, reportIntervalNs), 1, Integer::sum);
    }
    return counts;
  }

  private AgentRecord require(String agentId) {
    AgentRecord record = agents.get(agentId);
    if (record == null) {
      throw Status.NOT_FOUND
          .withDescription("unknown agent id '" + agentId + "': register again")
          .asRuntimeException();
    }
    return record;
  }

  private static boolean selects(AgentSelector selector, AgentRecord record) {
    return switch (selector.getTargetCase()) {
      case ALL_AGENTS -> selector.getAllAgents();
      case AGENT_ID -> selector.getAgentId().equals(record.agentId);
      case LABELS -> {
        Map<String, String> match = selector.getLabels().getMatchLabelsMap();
        Map<String, String> labels = record.registration.getLabelsMap();
        yield !match.isEmpty()
            && match.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
      }
      case TARGET_NOT_SET -> false;
    };
  }
}

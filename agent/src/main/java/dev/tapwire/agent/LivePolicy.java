package dev.tapwire.agent;

import dev.tapwire.agent.config.AgentConfig;
import dev.tapwire.agent.config.AgentEncapsulation;
import dev.tapwire.proto.v1.CaptureInterface;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.Encapsulation;
import dev.tapwire.proto.v1.Endpoint;
import dev.tapwire.proto.v1.OversizeAction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@link CapturePolicy} into the settings the agent runs with: the local configuration with
 * every setting the policy carries replaced. Checks what the policy can get wrong; the error names
 * the policy field and the bad value. What stays local: the captured interfaces (a policy selects
 * among them), the source address, the hand-off bound, the metrics endpoint, the capture direction,
 * immediate mode and the control settings.
 */
final class LivePolicy {
  /** {@code snap_len_bytes} 0 means the whole frame, as tcpdump. */
  static final int WHOLE_FRAME_BYTES = 262_144;

  private LivePolicy() {}

  /** The settings under {@code policy}, over {@code local}. */
  static AgentConfig toConfig(AgentConfig local, CapturePolicy policy) throws PolicyException {
    AgentEncapsulation encapsulation = encapsulation(local, policy);
    String host =
        policy.hasDestination() && !policy.getDestination().getHost().isBlank()
            ? policy.getDestination().getHost().strip()
            : local.collectorHost();
    int port = policy.hasDestination() ? policy.getDestination().getPort() : 0;
    if (port > 65_535) {
      throw new PolicyException("destination.port", port, "expected 0-65535");
    }
    int vxlanPort =
        encapsulation == AgentEncapsulation.VXLAN && port != 0 ? port : local.vxlanPort();
    int snapLen = policy.getSnapLenBytes() == 0 ? WHOLE_FRAME_BYTES : policy.getSnapLenBytes();
    if (snapLen < 64 || snapLen > WHOLE_FRAME_BYTES) {
      throw new PolicyException(
          "snap_len_bytes", policy.getSnapLenBytes(), "expected 0 or 64-" + WHOLE_FRAME_BYTES);
    }
    int sample = Math.max(1, policy.getSampleOneInNFrames());
    if (policy.getSampleOneInNFrames() < 0 || policy.getSampleOneInNFrames() > (1 << 30)) {
      throw new PolicyException(
          "sample_one_in_n_frames",
          Integer.toUnsignedLong(policy.getSampleOneInNFrames()),
          "expected 0-" + (1 << 30));
    }
    int pathMtu = policy.getPathMtuBytes() == 0 ? local.pathMtuBytes() : policy.getPathMtuBytes();
    if (pathMtu < 576 || pathMtu > 65_535) {
      throw new PolicyException(
          "path_mtu_bytes", policy.getPathMtuBytes(), "expected 0 or 576-65535");
    }
    long kernelBuffer =
        policy.getKernelBufferBytes() == 0
            ? local.kernelBufferBytes()
            : Integer.toUnsignedLong(policy.getKernelBufferBytes());
    if (kernelBuffer < 64 * 1024 || kernelBuffer > Integer.MAX_VALUE) {
      throw new PolicyException(
          "kernel_buffer_bytes",
          Integer.toUnsignedLong(policy.getKernelBufferBytes()),
          "expected 0 or 65536-" + Integer.MAX_VALUE);
    }
    long bits = policy.getRateLimitBitsPerSecond();
    long packets = policy.getRateLimitPacketsPerSecond();
    if (bits < 0 || packets < 0) {
      throw new PolicyException("rate_limit_*", bits < 0 ? bits : packets, "too large");
    }
    boolean truncate =
        switch (policy.getOversizeAction()) {
          case OVERSIZE_ACTION_UNSPECIFIED, OVERSIZE_ACTION_TRUNCATE -> true;
          case OVERSIZE_ACTION_FRAGMENT -> false;
          case UNRECOGNIZED ->
              throw new PolicyException(
                  "oversize_action", policy.getOversizeActionValue(), "unknown value");
        };
    return new AgentConfig(
        local.interfaces(),
        host,
        policy.getBpfFilter().strip(),
        snapLen,
        policy.getPromiscuous(),
        (int) kernelBuffer,
        encapsulation,
        local.sessionId(),
        sample,
        bits,
        packets,
        vxlanPort,
        local.sourceAddress(),
        pathMtu,
        truncate,
        local.queueFrames(),
        local.metricsAddress(),
        local.metricsPort(),
        local.direction(),
        local.immediateMode(),
        local.collectorPort(),
        local.tls(),
        local.sendMethod(),
        local.control());
  }

  /**
   * The local settings as a policy (no version, no session ids): sent at registration as the base
   * the collector applies changes to, so that a change of one field keeps the others.
   */
  static CapturePolicy fromConfig(AgentConfig local) {
    CapturePolicy.Builder policy = CapturePolicy.newBuilder();
    for (String name : local.interfaces()) {
      policy.addInterfaces(CaptureInterface.newBuilder().setName(name));
    }
    int port =
        switch (local.encapsulation()) {
          case VXLAN -> local.vxlanPort();
          case GRPC -> local.collectorPort();
          default -> 0;
        };
    return policy
        .setBpfFilter(local.filter() == null ? "" : local.filter())
        .setSnapLenBytes(local.snapLenBytes())
        .setPromiscuous(local.promiscuous())
        .setSampleOneInNFrames(local.sampleOneInN())
        .setEncapsulation(
            switch (local.encapsulation()) {
              case ERSPAN2 -> Encapsulation.ENCAPSULATION_ERSPAN_II;
              case ERSPAN3 -> Encapsulation.ENCAPSULATION_ERSPAN_III;
              case TEB -> Encapsulation.ENCAPSULATION_TEB;
              case VXLAN -> Encapsulation.ENCAPSULATION_VXLAN;
              case GRPC -> Encapsulation.ENCAPSULATION_GRPC;
            })
        .setDestination(Endpoint.newBuilder().setHost(local.collectorHost()).setPort(port))
        .setRateLimitBitsPerSecond(local.rateLimitBitsPerSecond())
        .setRateLimitPacketsPerSecond(local.rateLimitPacketsPerSecond())
        .setOversizeAction(
            local.truncateOversize()
                ? OversizeAction.OVERSIZE_ACTION_TRUNCATE
                : OversizeAction.OVERSIZE_ACTION_FRAGMENT)
        .setPathMtuBytes(local.pathMtuBytes())
        .setKernelBufferBytes(local.kernelBufferBytes())
        .build();
  }

  private static AgentEncapsulation encapsulation(AgentConfig local, CapturePolicy policy)
      throws PolicyException {
    if (policy.getEncapsulation() == Encapsulation.ENCAPSULATION_GRPC
        && local.encapsulation() == AgentEncapsulation.GRPC) {
      // The gRPC transport is kept (it is chosen at start), never switched to or from live.
      return AgentEncapsulation.GRPC;
    }
    return switch (policy.getEncapsulation()) {
      case ENCAPSULATION_UNSPECIFIED -> local.encapsulation();
      case ENCAPSULATION_ERSPAN_II -> AgentEncapsulation.ERSPAN2;
      case ENCAPSULATION_ERSPAN_III -> AgentEncapsulation.ERSPAN3;
      case ENCAPSULATION_TEB -> AgentEncapsulation.TEB;
      case ENCAPSULATION_VXLAN -> AgentEncapsulation.VXLAN;
      case ENCAPSULATION_GRE_IN_UDP, ENCAPSULATION_GRPC, UNRECOGNIZED ->
          throw new PolicyException(
              "encapsulation", policy.getEncapsulation().name(), "this agent does not send it");
    };
  }

  /**
   * The session id of each captured interface, in order, or -1 for an interface the policy does not
   * name (paused: it captures nothing). The policy's id wins, then the collector's reservation,
   * then {@code current}.
   */
  static int[] sessions(
      List<String> captured, CapturePolicy policy, Map<String, Integer> reserved, int[] current)
      throws PolicyException {
    Set<String> named = new HashSet<>();
    int[] result = new int[captured.size()];
    Arrays.fill(result, -1);
    for (CaptureInterface wanted : policy.getInterfacesList()) {
      int i = captured.indexOf(wanted.getName());
      if (i < 0) {
        throw new PolicyException(
            "interfaces",
            wanted.getName(),
            "this agent captures only " + String.join(", ", captured) + " (its -i interfaces)");
      }
      if (!named.add(wanted.getName())) {
        throw new PolicyException("interfaces", wanted.getName(), "named twice");
      }
      int id;
      if (wanted.hasSessionId()) {
        id = wanted.getSessionId();
      } else if (reserved.containsKey(wanted.getName())) {
        id = reserved.get(wanted.getName());
      } else {
        id = current[i];
      }
      if (id < 0 || id > 1023) {
        throw new PolicyException(
            "interfaces[" + wanted.getName() + "].session_id",
            Integer.toUnsignedLong(id),
            "expected 0-1023");
      }
      result[i] = id;
    }
    List<Integer> used = new ArrayList<>();
    for (int id : result) {
      if (id >= 0) {
        if (used.contains(id)) {
          throw new PolicyException("interfaces[].session_id", id, "used twice");
        }
        used.add(id);
      }
    }
    return result;
  }

  /** A policy the agent refuses, naming the field and the value. */
  static final class PolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    PolicyException(String field, Object value, String expectation) {
      super("invalid policy field " + field + " = '" + value + "': " + expectation);
    }

    PolicyException(String message) {
      super(message);
    }
  }
}

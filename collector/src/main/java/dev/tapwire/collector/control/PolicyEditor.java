package dev.tapwire.collector.control;

import com.google.protobuf.FieldMask;
import com.google.protobuf.util.FieldMaskUtil;
import dev.tapwire.proto.v1.CaptureInterface;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.Encapsulation;
import dev.tapwire.proto.v1.InterfaceInfo;
import dev.tapwire.proto.v1.LinkType;
import dev.tapwire.proto.v1.RegisterRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies a SetPolicy change (a partial policy and its field mask) to an agent's policy, and checks
 * what the collector can check: value ranges, the encapsulation against the agent's capabilities,
 * interfaces against its registration, and that the BPF expression compiles for each captured
 * interface's link type. The agent checks the rest and reports back.
 */
final class PolicyEditor {
  /** Largest snap length, as tcpdump's default. */
  static final int MAX_SNAP_LEN_BYTES = 262_144;

  /** Smallest non-zero snap length: an Ethernet header plus a minimal IPv6 header and more. */
  static final int MIN_SNAP_LEN_BYTES = 64;

  private static final FieldMaskUtil.MergeOptions REPLACE =
      new FieldMaskUtil.MergeOptions()
          .setReplaceRepeatedFields(true)
          .setReplaceMessageFields(true)
          .setReplacePrimitiveFields(true);

  private PolicyEditor() {}

  /**
   * Checks a field mask before any agent is looked at.
   *
   * @return null when valid, else why not
   */
  static String checkMask(FieldMask mask) {
    if (mask.getPathsCount() == 0) {
      return "update_mask is empty: name the fields to change, or \"*\" for the whole policy";
    }
    if (isWildcard(mask)) {
      return null;
    }
    for (String path : mask.getPathsList()) {
      if (path.equals("policy_version") || path.startsWith("policy_version.")) {
        return "policy_version cannot be set: the collector assigns versions";
      }
      if (path.equals("*")) {
        return "\"*\" must be the only path of update_mask";
      }
    }
    if (!FieldMaskUtil.isValid(CapturePolicy.class, mask)) {
      return "update_mask names a field CapturePolicy does not have: " + mask.getPathsList();
    }
    return null;
  }

  /**
   * The base policy with the masked fields of {@code change}; the version is left to the caller.
   */
  static CapturePolicy apply(CapturePolicy base, CapturePolicy change, FieldMask mask) {
    if (isWildcard(mask)) {
      return change.toBuilder().setPolicyVersion(base.getPolicyVersion()).build();
    }
    CapturePolicy.Builder merged = base.toBuilder();
    FieldMaskUtil.merge(mask, change, merged, REPLACE);
    return merged.build();
  }

  private static boolean isWildcard(FieldMask mask) {
    return mask.getPathsCount() == 1 && mask.getPaths(0).equals("*");
  }

  /**
   * Checks a complete policy for one agent.
   *
   * @param sessions the agent's session id per interface name, after allocation
   * @return null when valid, else a message naming the setting and the bad value
   */
  static String validate(
      CapturePolicy policy, RegisterRequest agent, java.util.Map<String, Integer> sessions) {
    int snapLen = policy.getSnapLenBytes();
    if (snapLen != 0 && (snapLen < MIN_SNAP_LEN_BYTES || snapLen > MAX_SNAP_LEN_BYTES)) {
      return "invalid snap_len_bytes "
          + snapLen
          + ": expected 0 (whole frame) or "
          + MIN_SNAP_LEN_BYTES
          + "-"
          + MAX_SNAP_LEN_BYTES;
    }
    Encapsulation encapsulation = policy.getEncapsulation();
    if (encapsulation == Encapsulation.ENCAPSULATION_UNSPECIFIED
        || encapsulation == Encapsulation.UNRECOGNIZED) {
      return "invalid encapsulation " + encapsulation + ": a policy must name one";
    }
    List<Encapsulation> supported = agent.getCapabilities().getEncapsulationsList();
    if (!supported.isEmpty() && !supported.contains(encapsulation)) {
      return "invalid encapsulation " + encapsulation + ": the agent supports only " + supported;
    }
    if (policy.getDestination().getPort() > 65_535) {
      return "invalid destination.port " + policy.getDestination().getPort();
    }
    int mtu = policy.getPathMtuBytes();
    if (mtu != 0 && (mtu < 576 || mtu > 65_535)) {
      return "invalid path_mtu_bytes " + mtu + ": expected 0 (egress MTU) or 576-65535";
    }
    Set<String> seen = new HashSet<>();
    for (CaptureInterface capture : policy.getInterfacesList()) {
      String name = capture.getName();
      if (!seen.add(name)) {
        return "invalid interfaces: " + name + " is listed twice";
      }
      InterfaceInfo info = find(agent, name);
      if (info == null && agent.getInterfacesCount() > 0) {
        return "invalid interfaces: the agent has no interface " + name;
      }
      Integer session = sessions.get(name);
      if (capture.hasSessionId() && session != null && capture.getSessionId() != session) {
        return "invalid session_id "
            + capture.getSessionId()
            + " for "
            + name
            + ": the collector assigned "
            + session;
      }
      if (!policy.getBpfFilter().isEmpty()) {
        String error = BpfFilter.check(policy.getBpfFilter(), linkType(info));
        if (error != null) {
          return error;
        }
      }
    }
    if (policy.getInterfacesCount() == 0 && !policy.getBpfFilter().isEmpty()) {
      String error = BpfFilter.check(policy.getBpfFilter(), LinkType.LINK_TYPE_ETHERNET_VALUE);
      if (error != null) {
        return error;
      }
    }
    return null;
  }

  private static int linkType(InterfaceInfo info) {
    if (info == null || info.getLinkTypeValue() == 0) {
      return LinkType.LINK_TYPE_ETHERNET_VALUE;
    }
    return info.getLinkTypeValue();
  }

  private static InterfaceInfo find(RegisterRequest agent, String name) {
    for (InterfaceInfo info : agent.getInterfacesList()) {
      if (info.getName().equals(name)) {
        return info;
      }
    }
    return null;
  }
}

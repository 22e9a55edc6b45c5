package dev.tapwire.agent.filter;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds the BPF expression applied to every captured interface: the user's filter with the agent's
 * own export traffic taken out, so that an agent may capture the interface it exports through
 * without mirroring its own tunnel packets (a feedback loop that would double the traffic at every
 * pass).
 *
 * <p>The exclusion comes first: {@code not (export) and (user)}. BPF keywords such as {@code vlan}
 * and {@code mpls} shift the offsets of everything after them, so a user filter {@code vlan 10}
 * placed first would make the exclusion look inside the tag. Nothing else is filtered: ARP, STP,
 * LLDP, LACP, BGP, OSPF and every other frame pass unless the user's filter says otherwise.
 */
public final class CaptureFilter {
  private CaptureFilter() {}

  /** The expression matching all of {@code flows}, or empty for none. */
  public static String exportTraffic(List<ExportFlow> flows) {
    return flows.stream().map(ExportFlow::bpf).distinct().collect(Collectors.joining(" or "));
  }

  /** The complete filter for {@code userFilter} (empty for everything) and the export flows. */
  public static String effective(String userFilter, List<ExportFlow> flows) {
    String user = userFilter == null ? "" : userFilter.strip();
    String export = exportTraffic(flows);
    if (export.isEmpty()) {
      return user;
    }
    if (user.isEmpty()) {
      return "not (" + export + ")";
    }
    return "not (" + export + ") and (" + user + ")";
  }
}

package dev.tapwire.collector.testing;

import dev.tapwire.testkit.Netns;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's own IP counters in a namespace ({@code /proc/net/snmp} and {@code
 * /proc/net/netstat}, as {@code Ip:InHdrErrors}, {@code IpExt:InTruncatedPkts}): an oracle
 * independent of the collector for what the kernel dropped before any socket saw it.
 */
public final class KernelCounters {
  private KernelCounters() {}

  /** Every counter of both files, read now. */
  public static Map<String, Long> read(Netns ns) {
    Map<String, Long> counters = new HashMap<>();
    for (String file : List.of("/proc/net/snmp", "/proc/net/netstat")) {
      List<String> lines = ns.exec("cat", file).check().stdoutLines();
      // Pairs of lines: "Ip: Forwarding DefaultTTL ..." then "Ip: 1 64 ...".
      for (int i = 0; i + 1 < lines.size(); i += 2) {
        String[] names = lines.get(i).trim().split("\\s+");
        String[] values = lines.get(i + 1).trim().split("\\s+");
        for (int k = 1; k < Math.min(names.length, values.length); k++) {
          counters.put(names[0] + names[k], Long.parseLong(values[k]));
        }
      }
    }
    return counters;
  }

  /** The sum of {@code names} in {@code after} minus in {@code before}. */
  public static long increase(
      Map<String, Long> before, Map<String, Long> after, List<String> names) {
    long sum = 0;
    for (String name : names) {
      sum += after.getOrDefault(name, 0L) - before.getOrDefault(name, 0L);
    }
    return sum;
  }
}

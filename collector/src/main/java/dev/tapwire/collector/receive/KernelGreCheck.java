package dev.tapwire.collector.receive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds in-kernel GRE tunnel handlers. With {@code ip_gre} (or {@code ip6_gre}) loaded, the kernel
 * claims GRE itself and answers GRE that matches none of its tunnels with ICMP unreachable even
 * while a raw socket is open (netio/DESIGN.md), so the collector would talk back to every tunnel
 * source. The plain {@code gre} demultiplexer alone drops such packets silently and is harmless.
 */
public final class KernelGreCheck {
  /** Modules that answer unmatched GRE. */
  static final List<String> ANSWERING_MODULES = List.of("ip_gre", "ip6_gre");

  private KernelGreCheck() {}

  /** The answering GRE modules loaded or built in on this host (empty when none). */
  public static List<String> answeringModules() {
    return answeringModules(Path.of("/proc/modules"), Path.of("/sys/module"));
  }

  static List<String> answeringModules(Path procModules, Path sysModule) {
    List<String> found = new ArrayList<>();
    List<String> loaded = List.of();
    try {
      if (Files.isReadable(procModules)) {
        loaded = Files.readAllLines(procModules);
      }
    } catch (IOException e) {
      loaded = List.of();
    }
    for (String module : ANSWERING_MODULES) {
      boolean listed = loaded.stream().anyMatch(line -> line.startsWith(module + " "));
      if (listed || Files.isDirectory(sysModule.resolve(module))) {
        found.add(module);
      }
    }
    return found;
  }

  /** The warning to log for {@code modules}, or null when there is nothing to warn about. */
  public static String warning(List<String> modules) {
    if (modules.isEmpty()) {
      return null;
    }
    return "kernel GRE module(s) "
        + String.join(", ", modules)
        + " present: the kernel may answer mirrored GRE with ICMP unreachable to the tunnel"
        + " sources although the collector's raw sockets are open; unload them (modprobe -r "
        + String.join(" ", modules)
        + ") or drop outgoing ICMP unreachable to the sources";
  }
}

package dev.tapwire.cli.demo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The topology {@code deploy/topology/up.sh} built, from the {@code KEY=VALUE} lines it prints
 * ({@code ns.sw1=demo-sw1}, {@code sw1.capture_if=cap0}, {@code collector.export_v4.sw1=...}).
 */
public final class Topology {
  private final Map<String, String> values;

  private Topology(Map<String, String> values) {
    this.values = values;
  }

  /** Parses up.sh's standard output; lines without {@code =} are ignored. */
  public static Topology parse(String upOutput) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : upOutput.lines().toList()) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    if (!values.containsKey("prefix")) {
      throw new IllegalArgumentException("not a topology description (no prefix=): " + upOutput);
    }
    return new Topology(Map.copyOf(values));
  }

  /** The value of {@code key}; throws if up.sh did not print it. */
  public String get(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("topology has no " + key);
    }
    return value;
  }

  /** The name prefix given to up.sh. */
  public String prefix() {
    return get("prefix");
  }

  /** The network namespace of {@code host} ({@code h1}, {@code sw1}, {@code collector}, ...). */
  public String ns(String host) {
    return get("ns." + host);
  }

  /** Every namespace of the topology. */
  public java.util.List<String> namespaces() {
    return values.entrySet().stream()
        .filter(e -> e.getKey().startsWith("ns."))
        .map(Map.Entry::getValue)
        .toList();
  }
}

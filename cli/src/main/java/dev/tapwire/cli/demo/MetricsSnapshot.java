package dev.tapwire.cli.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The samples of one Prometheus text exposition: {@code name{label="value",...} number}. Enough of
 * the format for Tapwire's own endpoints: comments skipped, label values unescaped, no timestamps.
 */
final class MetricsSnapshot {
  /** One sample: metric name, labels in order of appearance, value. */
  record Sample(String name, Map<String, String> labels, double value) {
    String label(String key) {
      return labels.getOrDefault(key, "");
    }
  }

  private static final MetricsSnapshot EMPTY = new MetricsSnapshot(List.of());

  private final List<Sample> samples;

  private MetricsSnapshot(List<Sample> samples) {
    this.samples = samples;
  }

  static MetricsSnapshot empty() {
    return EMPTY;
  }

  /** Parses a text exposition; a line it cannot read is skipped. */
  static MetricsSnapshot parse(String text) {
    if (text == null) {
      return EMPTY;
    }
    List<Sample> samples = new java.util.ArrayList<>();
    for (String line : text.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Sample s = parseLine(line.strip());
      if (s != null) {
        samples.add(s);
      }
    }
    return new MetricsSnapshot(List.copyOf(samples));
  }

  List<Sample> samples() {
    return samples;
  }

  /** Sum of the samples named {@code name} whose labels pass {@code filter}. */
  long sum(String name, Predicate<Sample> filter) {
    double total = 0;
    for (Sample s : samples) {
      if (s.name().equals(name) && filter.test(s)) {
        total += s.value();
      }
    }
    return Math.round(total);
  }

  /** Sum of every sample named {@code name}. */
  long sum(String name) {
    return sum(name, s -> true);
  }

  /** Sum of the samples named {@code name} with label {@code key} equal to {@code value}. */
  long sum(String name, String key, String value) {
    return sum(name, s -> value.equals(s.label(key)));
  }

  /** The non-zero samples named {@code name}, keyed by the values of {@code labelKeys}. */
  Map<String, Long> nonZero(String name, String... labelKeys) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Sample s : samples) {
      if (!s.name().equals(name) || Math.round(s.value()) == 0) {
        continue;
      }
      StringBuilder key = new StringBuilder();
      for (String k : labelKeys) {
        key.append(key.isEmpty() ? "" : "/").append(s.label(k));
      }
      out.merge(key.toString(), Math.round(s.value()), Long::sum);
    }
    return out;
  }

  private static Sample parseLine(String line) {
    int brace = line.indexOf('{');
    int space;
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    if (brace >= 0 && brace < line.indexOf(' ')) {
      name = line.substring(0, brace);
      int end = parseLabels(line, brace + 1, labels);
      if (end < 0) {
        return null;
      }
      space = end + 1;
    } else {
      space = line.indexOf(' ');
      if (space < 0) {
        return null;
      }
      name = line.substring(0, space);
    }
    String[] rest = line.substring(space).strip().split("\\s+");
    try {
      return new Sample(name, Map.copyOf(labels), Double.parseDouble(rest[0]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Parses {@code k="v",...}} from {@code pos}; returns the index of the closing brace or -1. */
  private static int parseLabels(String line, int pos, Map<String, String> labels) {
    int i = pos;
    while (i < line.length()) {
      if (line.charAt(i) == '}') {
        return i;
      }
      int eq = line.indexOf('=', i);
      if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
        return -1;
      }
      String key = line.substring(i, eq).strip();
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      for (; j < line.length() && line.charAt(j) != '"'; j++) {
        char c = line.charAt(j);
        if (c == '\\' && j + 1 < line.length()) {
          char next = line.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
      }
      if (j >= line.length()) {
        return -1;
      }
      labels.put(key, value.toString());
      i = j + 1;
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
      }
    }
    return -1;
  }
}

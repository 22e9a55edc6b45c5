package dev.tapwire.collector.testing;

import java.util.Map;
import java.util.TreeMap;

/**
 * Every drop-related series of a {@code /metrics} text (invalid, skipped, fragment drops, frame
 * drops by stage and reason) with its value, so a test can check that exactly the expected series
 * moved.
 */
public final class DropSeries {
  private static final String[] PREFIXES = {
    "tapwire_collector_packets_invalid_total{",
    "tapwire_collector_packets_skipped_total{",
    "tapwire_collector_fragments_dropped_total{",
    "tapwire_collector_frames_dropped_total{",
    "tapwire_collector_frames_lost_total ",
    "tapwire_collector_gre_checksum_errors_total "
  };

  private DropSeries() {}

  /** Series name-and-labels to value. */
  public static Map<String, Double> parse(String metricsText) {
    Map<String, Double> series = new TreeMap<>();
    for (String line : metricsText.split("\n")) {
      for (String prefix : PREFIXES) {
        if (line.startsWith(prefix)) {
          int space = line.lastIndexOf(' ');
          series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
      }
    }
    return series;
  }

  /** The series whose value changed from {@code before} to {@code after}, with the change. */
  public static Map<String, Double> changes(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> changed = new TreeMap<>();
    for (Map.Entry<String, Double> e : after.entrySet()) {
      double delta = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      if (delta != 0) {
        changed.put(e.getKey(), delta);
      }
    }
    return changed;
  }

  /** The sum of every sample of {@code name} (all label values). */
  public static double sum(String metricsText, String name) {
    double sum = 0;
    for (String line : metricsText.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}

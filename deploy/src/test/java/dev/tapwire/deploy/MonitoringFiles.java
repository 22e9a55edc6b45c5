package dev.tapwire.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Prometheus rules and the Grafana dashboard, and the queries and metric names in them. */
final class MonitoringFiles {
  private static final Pattern METRIC = Pattern.compile("\\btapwire_[a-z_]+\\b");

  private MonitoringFiles() {}

  static Path prometheusDir() {
    return DeployFiles.deploy().resolve("prometheus");
  }

  static Path rules() {
    return prometheusDir().resolve("tapwire-rules.yml");
  }

  static Path dashboard() {
    return DeployFiles.deploy().resolve("grafana/tapwire-dashboard.json");
  }

  /** Every alert rule: name and expression. */
  static List<String[]> alerts() {
    List<String[]> alerts = new ArrayList<>();
    for (JsonNode group : DeployFiles.document(rules()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        alerts.add(new String[] {rule.path("alert").asText(), rule.path("expr").asText()});
      }
    }
    return alerts;
  }

  static JsonNode dashboardJson() {
    try {
      return DeployFiles.JSON.readTree(dashboard().toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every query of the dashboard, with Grafana's variables replaced by what they stand for (the
   * jobs of deploy/prometheus/prometheus.yml, a 1-minute rate window).
   */
  static List<String> dashboardQueries() {
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboardJson().path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(
            target
                .path("expr")
                .asText()
                .replace("$__rate_interval", "1m")
                .replace("$agent_job", "tapwire-agent")
                .replace("$collector_job", "tapwire-collector"));
      }
    }
    return queries;
  }

  /** The tapwire_* metric names in {@code queries}. */
  static Set<String> metricNames(List<String> queries) {
    Set<String> names = new TreeSet<>();
    for (String q : queries) {
      Matcher m = METRIC.matcher(q);
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  static List<String> alertQueries() {
    return alerts().stream().map(a -> a[1]).toList();
  }
}

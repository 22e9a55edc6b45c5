package dev.tapwire.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboard is importable Grafana JSON: unique panel ids inside a 24-column grid, every query
 * on the data-source variable, and it shows what the docs say (per-source rates, drops by stage and
 * reason, loss). That every metric it names is exported is checked against a live scrape in {@link
 * PrometheusScrapeIT}.
 */
class GrafanaDashboardTest {
  private final JsonNode dashboard = MonitoringFiles.dashboardJson();

  @Test
  void panelsAreWellFormed() {
    assertThat(dashboard.path("uid").asText()).isEqualTo("tapwire");
    assertThat(dashboard.path("schemaVersion").asInt()).isPositive();
    Set<String> variables = new HashSet<>();
    dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
    assertThat(variables).contains("datasource", "agent_job", "collector_job");
    Set<Integer> ids = new HashSet<>();
    int queries = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("unique id %s", panel.path("id")).isTrue();
      JsonNode grid = panel.path("gridPos");
      assertThat(grid.path("x").asInt() + grid.path("w").asInt()).isLessThanOrEqualTo(24);
      assertThat(grid.path("h").asInt()).isPositive();
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      assertThat(panel.path("title").asText()).isNotBlank();
      assertThat(panel.at("/datasource/uid").asText()).isEqualTo("${datasource}");
      assertThat(panel.path("targets")).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("expr").asText())
            .containsPattern("tapwire_|up\\{")
            .doesNotContain("\n");
        assertThat(target.at("/datasource/uid").asText()).isEqualTo("${datasource}");
        queries++;
      }
    }
    assertThat(queries).isEqualTo(MonitoringFiles.dashboardQueries().size());
  }

  @Test
  void showsRatesPerSourceDropsByStageAndReasonAndLoss() {
    String all = String.join("\n", MonitoringFiles.dashboardQueries());
    assertThat(all)
        .contains("sum by (stream, id) (rate(tapwire_collector_stream_frames_total")
        .contains("sum by (instance, interface) (rate(tapwire_agent_frames_captured_total")
        .contains("sum by (instance, stage, reason) (rate(tapwire_agent_frames_dropped_total")
        .contains("sum by (stage, reason) (rate(tapwire_collector_frames_dropped_total")
        .contains("tapwire_collector_frames_lost_total")
        .contains("tapwire_collector_stream_frames_missing")
        .contains("tapwire_agent_kernel_drops_total");
  }
}

package dev.tapwire.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.ExternalTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus's own checker on the scrape configuration, the alerting rules and their unit tests,
 * and on every query of the Grafana dashboard (as recording rules, so that promtool parses them).
 */
class PromtoolTest {
  @TempDir Path dir;

  @Test
  void scrapeConfigurationIsValid() {
    Exec.Result r =
        promtool("check", "config", MonitoringFiles.prometheusDir().resolve("prometheus.yml"));
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout()).contains("SUCCESS: 1 rule files found");
  }

  @Test
  void rulesAreValid() {
    Exec.Result r = promtool("check", "rules", MonitoringFiles.rules());
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout()).contains("SUCCESS: " + MonitoringFiles.alerts().size() + " rules found");
  }

  @Test
  void ruleUnitTestsPassAndCoverEveryAlert() {
    Path tests = MonitoringFiles.prometheusDir().resolve("tapwire-rules.test.yml");
    Exec.Result r = promtool("test", "rules", tests);
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout()).contains("SUCCESS");

    // Every alert is expected to fire in at least one test.
    Set<String> fired = new TreeSet<>();
    for (JsonNode test : DeployFiles.document(tests).path("tests")) {
      for (JsonNode check : test.path("alert_rule_test")) {
        if (!check.path("exp_alerts").isEmpty()) {
          fired.add(check.path("alertname").asText());
        }
      }
    }
    assertThat(fired)
        .containsExactlyInAnyOrderElementsOf(
            MonitoringFiles.alerts().stream().map(a -> a[0]).toList());
  }

  @Test
  void aWrongExpectationFailsTheRuleUnitTests() throws IOException {
    Files.copy(MonitoringFiles.rules(), dir.resolve("tapwire-rules.yml"));
    Path tests = dir.resolve("tapwire-rules.test.yml");
    Files.writeString(
        tests,
        DeployFiles.read(MonitoringFiles.prometheusDir().resolve("tapwire-rules.test.yml"))
            .replace("instance: \"c2:9460\", sink: file}", "instance: \"c1:9460\", sink: file}"));
    Exec.Result r = promtool("test", "rules", tests);
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stdout() + r.stderr()).contains("TapwireCollectorBooksUnbalanced");
  }

  @Test
  void everyDashboardQueryParses() throws IOException {
    List<String> queries = MonitoringFiles.dashboardQueries();
    assertThat(queries).hasSizeGreaterThan(10);
    Path rules = dir.resolve("dashboard-queries.yml");
    Files.writeString(rules, asRecordingRules(queries));
    Exec.Result r = promtool("check", "rules", rules);
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout()).contains("SUCCESS: " + queries.size() + " rules found");

    // The check parses: an unbalanced parenthesis fails it.
    Files.writeString(
        rules, asRecordingRules(List.of("sum(rate(tapwire_agent_frames_sent_total[1m])")));
    assertThat(promtool("check", "rules", rules).exitCode()).isNotZero();
  }

  private static String asRecordingRules(List<String> queries) {
    ObjectNode root = DeployFiles.JSON.createObjectNode();
    ObjectNode group = root.putArray("groups").addObject().put("name", "dashboard");
    ArrayNode rules = group.putArray("rules");
    for (int i = 0; i < queries.size(); i++) {
      rules.addObject().put("record", "dashboard:query_" + i).put("expr", queries.get(i));
    }
    // JSON is YAML.
    return root.toPrettyString();
  }

  private static Exec.Result promtool(String command, String subcommand, Path file) {
    return ExternalTool.run(
        ExternalTool.DEFAULT_TIMEOUT, "promtool", List.of(command, subcommand, file.toString()));
  }
}

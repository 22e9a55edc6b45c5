package dev.tapwire.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapwire.testkit.RootRequirement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the end-to-end harness in its smoke mode (one short step per tool, no bisection) and checks
 * that it completes and writes a result file with every part, tool and key. Rates are not checked:
 * benchmarks are never a gate.
 */
class HarnessSmokeIT {
  /** Only a bound against a hung harness; the smoke run takes well under a minute. */
  private static final long HUNG_AFTER_MINUTES = 5;

  @Test
  void smokeRunWritesEveryKey(@TempDir Path dir) throws IOException, InterruptedException {
    RootRequirement.check();
    Path script = Path.of("run.sh").toAbsolutePath();
    Path result = dir.resolve("result.json");
    Path log = dir.resolve("run.log");

    Process run =
        new ProcessBuilder("bash", script.toString(), "--smoke", "--out", result.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean exited = run.waitFor(HUNG_AFTER_MINUTES, TimeUnit.MINUTES);
    if (!exited) {
      run.destroyForcibly().waitFor();
    }
    String output = Files.readString(log);
    assertThat(exited).as("harness finished; output:%n%s", output).isTrue();
    assertThat(run.exitValue()).as("exit code; output:%n%s", output).isZero();
    assertThat(output).contains("| part | tool |").contains(result.toString());

    JsonNode json = new ObjectMapper().readTree(result.toFile());
    assertThat(json.path("mode").asText()).isEqualTo("smoke");
    for (String key : List.of("nproc", "cpu_model", "kernel", "load_before", "load_after")) {
      assertThat(json.path("machine").has(key)).as("machine.%s", key).isTrue();
    }
    for (String key :
        List.of(
            "generator",
            "collector",
            "tcpdump_collector",
            "agent",
            "tcpdump_agent",
            "whole_collector",
            "whole_agent",
            "daemonlogger",
            "latency")) {
      assertThat(json.path("commands").path(key).asText()).as("commands.%s", key).isNotBlank();
    }
    assertThat(json.path("commands").has("netsniff_ng")).isTrue();

    List<String> points = new ArrayList<>();
    for (JsonNode point : json.path("points")) {
      points.add(point.path("part").asText() + "/" + point.path("tool").asText());
      for (String key :
          List.of(
              "frame_bytes",
              "rep",
              "lossless_fps",
              "generator_limited",
              "cpu_s_per_mframe",
              "peak_rss_kib")) {
        assertThat(point.has(key)).as("%s has %s", point, key).isTrue();
      }
      assertThat(point.path("peak_rss_kib").asLong()).as("peak RSS of %s", point).isPositive();
    }
    assertThat(points)
        .containsExactlyInAnyOrder(
            "collector/collector",
            "collector/tcpdump",
            "agent/agent",
            "agent/tcpdump",
            "agent/netsniff",
            "whole/whole",
            "whole/daemonlogger",
            "scale/collector");

    assertThat(json.path("summary")).hasSize(8);
    for (JsonNode row : json.path("summary")) {
      assertThat(row.has("lossless_fps_median")).isTrue();
      assertThat(row.path("reference").asText()).isNotBlank();
      assertThat(row.has("ratio_to_reference")).isTrue();
    }
    // The scale point's collector saw as many streams as the generator varied.
    for (JsonNode point : json.path("points")) {
      if (point.path("part").asText().equals("scale")) {
        assertThat(point.path("streams_seen").asLong())
            .as("streams seen in %s", point)
            .isEqualTo(point.path("streams").asLong());
      }
    }
    // Latency at half the lossless rate, for the whole path and for daemonlogger.
    List<String> latencies = new ArrayList<>();
    for (JsonNode latency : json.path("latency")) {
      latencies.add(latency.path("tool").asText());
      assertThat(latency.path("result").path("matched").asLong())
          .as("frames paired in %s", latency)
          .isPositive();
      assertThat(latency.path("result").has("p999_us")).isTrue();
    }
    assertThat(latencies).containsExactlyInAnyOrder("whole", "daemonlogger");
    // One smoke step per tool (and a warm-up and a latency step per latency tool), each with what
    // the generator sent and what the tool counted.
    assertThat(json.path("steps")).hasSize(8 + 2 * 2);
    for (JsonNode step : json.path("steps")) {
      assertThat(step.path("kind").asText()).isIn("smoke", "warmup", "latency");
      assertThat(step.path("sent").asLong()).as("frames sent in %s", step).isPositive();
      assertThat(step.has("counted")).isTrue();
      assertThat(step.has("drops")).isTrue();
    }
  }
}

package dev.tapwire.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent as a process: it serves its counters on /metrics with /healthz and /readyz, and stops
 * cleanly on SIGTERM, reporting its final totals.
 */
class AgentProcessIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void servesMetricsAndStopsOnSigterm() throws Exception {
    RootRequirement.check();
    try (MirrorLab lab = MirrorLab.create()) {
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.addAll(
          List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
      command.addAll(
          List.of("-cp", System.getProperty("java.class.path"), AgentCommand.class.getName()));
      command.addAll(
          List.of(
              "-i",
              lab.capturedInterface(),
              "--collector",
              MirrorLab.COLLECTOR4,
              "--metrics-port",
              "9461"));
      Process process =
          new ProcessBuilder(lab.agentNs.execCommand(command.toArray(String[]::new)))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      List<String> stderr = new CopyOnWriteArrayList<>();
      Thread reader =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (BufferedReader r =
                        new BufferedReader(
                            new InputStreamReader(
                                process.getErrorStream(), StandardCharsets.UTF_8))) {
                      String line;
                      while ((line = r.readLine()) != null) {
                        stderr.add(line);
                      }
                    } catch (java.io.IOException e) {
                      // process gone
                    }
                  });
      try {
        Poll.until(
            TIMEOUT,
            "the agent to start",
            () -> stderr.stream().anyMatch(l -> l.contains("capturing on")),
            stderr::toString);
        assertThat(get(lab, "/healthz")).isEqualTo("200 ok\n");
        assertThat(get(lab, "/readyz")).isEqualTo("200 ready\n");
        lab.send(AgentDropsIT.frames(25, 100));
        Poll.until(
            TIMEOUT,
            "25 frames in /metrics",
            () -> get(lab, "/metrics").contains("tapwire_agent_frames_sent_total 25.0"),
            () -> get(lab, "/metrics"));
        String metrics = get(lab, "/metrics");
        assertThat(metrics)
            .contains(
                "tapwire_agent_frames_captured_total{interface=\""
                    + lab.capturedInterface()
                    + "\"} 25.0")
            .contains(
                "tapwire_agent_frames_dropped_total{reason=\"queue_full\",stage=\"capture\"} 0.0")
            .contains(
                "tapwire_agent_kernel_drops_total{interface=\"" + lab.capturedInterface() + "\"}")
            .contains("tapwire_agent_timestamp_resolution_seconds");
        // SIGTERM by kill(1): Process.destroy() would also close our end of its stderr.
        dev.tapwire.testkit.Exec.run("kill", "-TERM", Long.toString(process.pid())).check();
        assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        reader.join(TIMEOUT.toMillis());
        assertThat(process.exitValue()).isEqualTo(143);
        assertThat(stderr)
            .anyMatch(l -> l.startsWith("agent: stopped;") && l.contains("captured=25, sent=25"));
      } finally {
        process.destroyForcibly();
      }
    }
  }

  private static String get(MirrorLab lab, String path) {
    try {
      return NetworkNamespace.runIn(
          lab.agentNs.name(),
          () -> {
            HttpURLConnection c =
                (HttpURLConnection)
                    URI.create("http://127.0.0.1:9461" + path).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            int status = c.getResponseCode();
            String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return path.equals("/metrics") ? body : status + " " + body;
          });
    } catch (Exception e) {
      return e.toString();
    }
  }
}

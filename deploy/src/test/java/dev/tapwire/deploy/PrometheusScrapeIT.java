package dev.tapwire.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapwire.cli.TapwireCli;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.netio.PacketSocket;
import dev.tapwire.netio.SendBatch;
import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.ExternalTool;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.VethPair;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server scrapes a running collector and agent started with the example settings
 * files (deploy/config) and loads the alerting rules (deploy/prometheus/tapwire-rules.yml). The
 * agent captures a veth on which a known number of frames is sent and exports them to the
 * collector; Prometheus's query API then returns exactly that number as captured, sent, decoded and
 * delivered. Every metric the rules and the Grafana dashboard name is among the series Prometheus
 * scraped, every query of both evaluates, the books expressions balance on real data, and a stopped
 * agent makes TapwireAgentDown pending.
 */
class PrometheusScrapeIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String AGENT4 = "198.18.21.1";
  private static final String COLLECTOR4 = "198.18.21.2";
  private static final int FRAMES = 1_000;
  private static final int FRAME_BYTES = 200;
  private static final int PROMETHEUS_PORT = 9090;

  @TempDir Path dir;

  @Test
  void prometheusScrapesTheCountsOfARealRunAndEveryMetricTheRulesAndDashboardName()
      throws Exception {
    RootRequirement.check();
    ExternalTool.require("prometheus");
    try (Netns generator = Netns.create();
        Netns agentNs = Netns.create();
        Netns collectorNs = Netns.create();
        VethPair tap = VethPair.between(generator, agentNs).silent().create();
        VethPair export =
            VethPair.between(agentNs, collectorNs)
                .addresses(AGENT4 + "/30", COLLECTOR4 + "/30")
                .create()) {
      assertThat(export.nameA()).isNotEmpty();
      List<Process> processes = new ArrayList<>();
      try {
        Process collector =
            start(
                collectorNs,
                "collector",
                List.of(
                    "collector",
                    "--config",
                    DeployFiles.deploy().resolve("config/collector.yaml").toString(),
                    "--output-dir",
                    dir.resolve("captures").toString()));
        processes.add(collector);
        Process agent =
            start(
                agentNs,
                "agent",
                List.of(
                    "agent",
                    "--config",
                    DeployFiles.deploy().resolve("config/agent.yaml").toString(),
                    "-i",
                    tap.nameB(),
                    "--collector",
                    COLLECTOR4));
        processes.add(agent);
        Poll.until(
            TIMEOUT,
            "the agent to capture",
            () -> log("agent").contains("capturing on"),
            () -> log("agent"));
        Poll.until(
            TIMEOUT,
            "the collector to receive",
            () -> log("collector").contains("receiving"),
            () -> log("collector"));
        Process prometheus = startPrometheus(collectorNs);
        processes.add(prometheus);
        Prometheus api = new Prometheus(collectorNs);
        Poll.until(
            TIMEOUT,
            "both targets up",
            () -> api.sum("sum(up{job=~\"tapwire-agent|tapwire-collector\"})") == 2,
            () -> api.get("/api/v1/targets") + log("prometheus"));

        send(generator, tap.nameA());
        for (String query :
            List.of(
                "sum(tapwire_agent_frames_captured_total{job=\"tapwire-agent\"})",
                "sum(tapwire_agent_frames_sent_total{job=\"tapwire-agent\"})",
                "sum(tapwire_collector_frames_decoded_total{job=\"tapwire-collector\"})",
                "sum(tapwire_collector_frames_delivered_total{job=\"tapwire-collector\", sink=\"file\"})",
                "sum(tapwire_collector_stream_frames_total{job=\"tapwire-collector\"})")) {
          Poll.until(
              TIMEOUT,
              query + " == " + FRAMES,
              () -> api.sum(query) == FRAMES,
              () -> api.query(query).toString());
        }
        assertThat(api.sum("sum(tapwire_agent_frames_dropped_total)")).isZero();
        assertThat(api.sum("sum(tapwire_collector_frames_lost_total)")).isZero();

        Set<String> scraped = new TreeSet<>();
        api.json("/api/v1/label/__name__/values")
            .path("data")
            .forEach(n -> scraped.add(n.asText()));
        assertThat(scraped)
            .containsAll(MonitoringFiles.metricNames(MonitoringFiles.alertQueries()));
        assertThat(scraped)
            .containsAll(MonitoringFiles.metricNames(MonitoringFiles.dashboardQueries()));

        // Every rule and dashboard query evaluates against the real series.
        for (String query : MonitoringFiles.dashboardQueries()) {
          assertThat(api.query(query).path("status").asText()).as(query).isEqualTo("success");
        }
        // The books, without the "while quiet" guard: balanced, one series per sink / agent.
        for (String[] alert : MonitoringFiles.alerts()) {
          if (alert[0].endsWith("BooksUnbalanced")) {
            String balance = alert[1].substring(0, alert[1].indexOf(") != 0") + 1);
            JsonNode result = api.query(balance).at("/data/result");
            // The collector: one series per sink (file, and the control plane's tap).
            assertThat(result).as(balance).isNotEmpty();
            for (JsonNode series : result) {
              assertThat(series.at("/value/1").asText()).as(alert[0] + " " + series).isEqualTo("0");
            }
          }
        }
        JsonNode groups = api.json("/api/v1/rules").at("/data/groups");
        int rules = 0;
        for (JsonNode group : groups) {
          for (JsonNode rule : group.path("rules")) {
            assertThat(rule.path("health").asText()).as(rule.path("name").asText()).isEqualTo("ok");
            rules++;
          }
        }
        assertThat(rules).isEqualTo(MonitoringFiles.alerts().size());
        // Nothing is wrong in this run: no alert is pending or firing.
        assertThat(api.json("/api/v1/alerts").at("/data/alerts")).isEmpty();

        report("agent", agent);
        report("collector", collector);
        Exec.run("kill", "-TERM", Long.toString(agent.pid())).check();
        assertThat(agent.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Poll.until(
            TIMEOUT,
            "TapwireAgentDown pending for the stopped agent",
            () -> {
              for (JsonNode a : api.json("/api/v1/alerts").at("/data/alerts")) {
                if (a.at("/labels/alertname").asText().equals("TapwireAgentDown")
                    && a.at("/labels/instance").asText().equals(AGENT4 + ":9461")
                    && a.path("state").asText().equals("pending")) {
                  return true;
                }
              }
              return false;
            },
            () -> api.get("/api/v1/alerts"));
      } finally {
        for (Process p : processes.reversed()) {
          p.destroy();
          if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        }
      }
    }
  }

  private Process start(Netns ns, String name, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), TapwireCli.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(ns.execCommand(command.toArray(String[]::new)))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
  }

  private Process startPrometheus(Netns ns) throws IOException {
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        scrape_configs:
          - job_name: tapwire-collector
            static_configs:
              - targets: ["127.0.0.1:9460"]
          - job_name: tapwire-agent
            static_configs:
              - targets: ["%s:9461"]
        """
            .formatted(MonitoringFiles.rules(), AGENT4));
    Path data = Files.createDirectories(dir.resolve("tsdb"));
    return new ProcessBuilder(
            ns.execCommand(
                ExternalTool.require("prometheus").toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + PROMETHEUS_PORT,
                "--log.level=warn"))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("prometheus.log").toFile())
        .start();
  }

  /** Sends {@link #FRAMES} distinct frames on {@code iface}: the agent captures them. */
  private static void send(Netns ns, String iface) throws Exception {
    NetworkNamespace.runIn(
        ns.name(),
        () -> {
          try (PacketSocket socket = PacketSocket.openTransmitOnly(iface);
              SendBatch batch = new SendBatch(64, FRAME_BYTES)) {
            for (int start = 0; start < FRAMES; start += batch.capacity()) {
              batch.clear();
              for (int i = start; i < Math.min(FRAMES, start + batch.capacity()); i++) {
                byte[] frame = frame(i);
                batch.add(frame, 0, frame.length, null);
              }
              socket.send(batch);
              if (batch.failed() > 0) {
                throw new IOException(
                    batch.failed() + " frames refused, errno " + batch.lastErrno());
              }
            }
          }
          return null;
        });
  }

  /** An Ethernet frame of the local experimental EtherType 0x88B5 carrying its number. */
  private static byte[] frame(int n) {
    ByteBuffer b = ByteBuffer.allocate(FRAME_BYTES);
    b.put(new byte[] {0x02, 0, 0, 0, 0, 0x02}).put(new byte[] {0x02, 0, 0, 0, 0, 0x01});
    b.putShort((short) 0x88B5).putInt(n);
    return b.array();
  }

  /** Peak RSS and CPU time of a process, for sizing the Kubernetes resources. */
  private static void report(String name, Process p) throws IOException {
    String status = Files.readString(Path.of("/proc", Long.toString(p.pid()), "status"));
    String hwm = status.lines().filter(l -> l.startsWith("VmHWM:")).findFirst().orElse("?");
    String[] stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat")).split(" ");
    long ticks = Long.parseLong(stat[13]) + Long.parseLong(stat[14]);
    System.out.printf("%s: %s, CPU %.2f s%n", name, hwm.replaceAll("\\s+", " "), ticks / 100.0);
  }

  private String log(String name) {
    try {
      Path file = dir.resolve(name + ".log");
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** The HTTP API of the Prometheus server in {@code ns}. */
  private record Prometheus(Netns ns) {
    JsonNode query(String promql) {
      return json("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** The single value of an instant query, or -1 when there is none (yet). */
    double sum(String promql) {
      JsonNode result = query(promql).at("/data/result");
      return result.size() == 1 ? result.get(0).at("/value/1").asDouble() : -1;
    }

    JsonNode json(String path) {
      try {
        return DeployFiles.JSON.readTree(get(path));
      } catch (IOException e) {
        return DeployFiles.JSON.createObjectNode().put("error", e.toString());
      }
    }

    String get(String path) {
      try {
        return NetworkNamespace.runIn(
            ns.name(),
            () -> {
              HttpURLConnection c =
                  (HttpURLConnection)
                      URI.create("http://127.0.0.1:" + PROMETHEUS_PORT + path)
                          .toURL()
                          .openConnection();
              c.setConnectTimeout(2000);
              c.setReadTimeout(5000);
              var in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream();
              return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            });
      } catch (Exception e) {
        return "{\"error\":\"" + e.toString().replace('"', '\'') + "\"}";
      }
    }
  }
}

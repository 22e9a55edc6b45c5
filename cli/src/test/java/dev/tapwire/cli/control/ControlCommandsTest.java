package dev.tapwire.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapwire.cli.TapwireCli;
import dev.tapwire.collector.config.ControlServerSettings;
import dev.tapwire.collector.control.CollectorCounters;
import dev.tapwire.collector.control.ControlLimits;
import dev.tapwire.collector.control.ControlPlane;
import dev.tapwire.collector.control.TapSink;
import dev.tapwire.collector.decode.DecodeCounters;
import dev.tapwire.collector.decode.StreamTable;
import dev.tapwire.collector.merge.MergeCounters;
import dev.tapwire.proto.v1.AgentServiceGrpc;
import dev.tapwire.proto.v1.InterfaceInfo;
import dev.tapwire.proto.v1.PolicyStatus;
import dev.tapwire.proto.v1.RegisterRequest;
import dev.tapwire.proto.v1.RegisterResponse;
import dev.tapwire.proto.v1.ReportPolicyStatusRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The control-plane commands against a control plane running in this JVM. */
class ControlCommandsTest {
  private TapSink tap;
  private ControlPlane plane;
  private ManagedChannel channel;
  private RegisterResponse agent;

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    CommandLine commandLine = TapwireCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeEach
  void start() throws Exception {
    tap = new TapSink(1024);
    tap.start();
    CollectorCounters counters =
        new CollectorCounters(
            List.of(),
            new DecodeCounters(),
            new StreamTable(16, TimeUnit.SECONDS.toNanos(60)),
            new MergeCounters(1),
            List.of(tap),
            () -> 0,
            1024,
            1L);
    plane =
        ControlPlane.start(
            new ControlServerSettings(
                InetAddress.getByName("127.0.0.1"),
                0,
                null,
                null,
                null,
                null,
                List.of(),
                TimeUnit.SECONDS.toNanos(10)),
            0,
            counters,
            tap,
            List.of(),
            null,
            () -> System.currentTimeMillis() * 1_000_000L,
            ControlLimits.DEFAULT);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", plane.port(), InsecureChannelCredentials.create())
            .build();
    agent =
        AgentServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .register(
                RegisterRequest.newBuilder()
                    .setHostName("web-1")
                    .putLabels("zone", "b")
                    .addInterfaces(InterfaceInfo.newBuilder().setName("eth0"))
                    .build());
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    plane.close();
    tap.close();
  }

  private String collector() {
    return "127.0.0.1:" + plane.port();
  }

  @Test
  void agentsPrintsATableAndJson() throws Exception {
    Run table = run("agents", "--collector", collector());
    assertThat(table.exitCode()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(0))
        .startsWith("AGENT")
        .contains("STATE", "LAST SEEN", "POLICY", "DROPPED/S");
    assertThat(lines.get(1))
        .startsWith(agent.getAgentId())
        .contains("web-1", "connected", "v1 pending");

    Run json = run("agents", "--collector", collector(), "-o", "json");
    assertThat(json.exitCode()).isZero();
    JsonNode root = new ObjectMapper().readTree(json.out());
    assertThat(root.get("agents").get(0).get("agentId").asText()).isEqualTo(agent.getAgentId());
    assertThat(root.get("agents").get(0).get("state").asText()).isEqualTo("AGENT_STATE_CONNECTED");
  }

  @Test
  void statsPrintsStagesDropsAndStreams() throws Exception {
    Run table = run("stats", "--collector", collector());
    assertThat(table.exitCode()).isZero();
    assertThat(table.out())
        .contains("STAGE", "PROCESSED", "receive", "merge", "tap", "no drops", "no streams");
    Run watch =
        run("stats", "--collector", collector(), "-o", "json", "--watch", "1", "--iterations", "2");
    assertThat(watch.exitCode()).isZero();
    List<String> snapshots = watch.out().lines().toList();
    assertThat(snapshots).hasSize(2);
    for (String line : snapshots) {
      assertThat(new ObjectMapper().readTree(line).get("stages").size()).isEqualTo(4);
    }
  }

  @Test
  void policySetChangesTheAgentAndPolicyGetShowsIt() {
    Run set =
        run(
            "policy",
            "set",
            "--collector",
            collector(),
            "--selector",
            "zone=b",
            "--interface",
            "eth0",
            "--filter",
            "tcp port 443",
            "--snaplen",
            "256",
            "--encap",
            "erspan-iii");
    assertThat(set.exitCode()).as(set.err()).isZero();
    assertThat(set.out()).contains(agent.getAgentId()).contains("pending");
    AgentServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .reportPolicyStatus(
            ReportPolicyStatusRequest.newBuilder()
                .setAgentId(agent.getAgentId())
                .setPolicyVersion(2)
                .setStatus(PolicyStatus.POLICY_STATUS_APPLIED)
                .build());
    Run get = run("policy", "get", "--collector", collector(), "--agent", agent.getAgentId());
    assertThat(get.exitCode()).isZero();
    assertThat(get.out().lines().skip(1).findFirst().orElseThrow())
        .contains(agent.getAgentId(), "applied", "eth0:", "tcp port 443", "256", "erspan_iii");
  }

  @Test
  void aRejectedChangeExitsNonZeroWithTheReason() {
    Run set = run("policy", "set", "--collector", collector(), "--all", "--snaplen", "10");
    assertThat(set.exitCode()).isEqualTo(1);
    assertThat(set.out()).contains("rejected", "invalid snap_len_bytes 10");
  }

  @Test
  void failuresAreOneLineOnStderrAndExitCodes() throws Exception {
    Run unknown =
        run("policy", "set", "--collector", collector(), "--agent", "nobody", "--sample", "2");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).isEqualTo("set: unknown agent 'nobody'" + System.lineSeparator());

    Run badBpf = run("tap", "--collector", collector(), "-w", "-", "tcp", "port");
    assertThat(badBpf.exitCode()).isEqualTo(1);
    assertThat(badBpf.err().lines().toList())
        .singleElement()
        .asString()
        .contains("invalid BPF filter 'tcp port'");

    Run badEncap =
        run("policy", "set", "--collector", collector(), "--all", "--encap", "carrier-pigeon");
    assertThat(badEncap.exitCode()).isEqualTo(1);
    assertThat(badEncap.err()).contains("unknown encapsulation 'carrier-pigeon'");

    Run noTarget = run("policy", "set", "--collector", collector(), "--snaplen", "100");
    assertThat(noTarget.exitCode()).isEqualTo(2);

    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Run unreachable = run("agents", "--collector", "127.0.0.1:" + closedPort);
    assertThat(unreachable.exitCode()).isEqualTo(1);
    assertThat(unreachable.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("agents: cannot reach the collector at 127.0.0.1:" + closedPort);

    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        SilentPeer peer = new SilentPeer(silent)) {
      Run slow =
          run("stats", "--collector", "127.0.0.1:" + silent.getLocalPort(), "--timeout", "1");
      assertThat(slow.exitCode()).isEqualTo(1);
      assertThat(slow.err()).contains("did not answer within 1 s (deadline exceeded)");
      assertThat(peer).isNotNull();
    }
  }

  /** Accepts connections and never says anything: calls to it can only time out. */
  private static final class SilentPeer implements AutoCloseable {
    private final Thread thread;
    private final java.util.List<Socket> accepted =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    SilentPeer(ServerSocket server) {
      thread =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      while (true) {
                        accepted.add(server.accept());
                      }
                    } catch (java.io.IOException e) {
                      // closed
                    }
                  });
    }

    @Override
    public void close() throws java.io.IOException {
      for (Socket s : accepted) {
        s.close();
      }
      thread.interrupt();
    }
  }
}

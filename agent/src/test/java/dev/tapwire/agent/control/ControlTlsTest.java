package dev.tapwire.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.agent.config.ControlConfig;
import dev.tapwire.proto.v1.AgentStats;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.RegisterRequest;
import dev.tapwire.testkit.Poll;
import io.grpc.TlsServerCredentials;
import java.io.File;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The control channel under TLS and mTLS, against a collector that requires a client cert. */
class ControlTlsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final ControlTimings FAST =
      new ControlTimings(
          Duration.ofSeconds(2),
          Duration.ofMinutes(1),
          Duration.ofMillis(100),
          Duration.ofMillis(400),
          Duration.ofSeconds(10));

  private static Path pem(String name) throws URISyntaxException {
    return Path.of(ControlTlsTest.class.getResource("/tls/" + name).toURI());
  }

  private static TestControlServer mtlsServer() throws Exception {
    File cert = pem("collector.pem").toFile();
    File key = pem("collector.key").toFile();
    return TestControlServer.start(
        TlsServerCredentials.newBuilder()
            .keyManager(cert, key)
            .trustManager(pem("ca.pem").toFile())
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
            .build());
  }

  private static ControlClient client(ControlChannel channel, ControlState state) {
    return new ControlClient(
            channel.channel(),
            new NullTarget(),
            () -> RegisterRequest.newBuilder().setHostName("h").build(),
            FAST,
            state,
            new Backoff(FAST.firstRetry().toNanos(), FAST.maxRetry().toNanos(), new Random(3)),
            System::currentTimeMillis)
        .start();
  }

  @Test
  void registersOverMutualTls() throws Exception {
    try (TestControlServer server = mtlsServer()) {
      ControlConfig config =
          new ControlConfig(
              server.port(), pem("agent.pem"), pem("agent.key"), pem("ca.pem"), new TreeMap<>());
      ControlState state = new ControlState();
      try (ControlChannel channel =
              ControlChannel.open(InetAddress.getByName("127.0.0.1"), "127.0.0.1", config);
          ControlClient client = client(channel, state)) {
        Poll.until(TIMEOUT, "registered over mTLS", () -> client.state().connected());
        assertThat(server.registers).hasSize(1);
      }
    }
  }

  @Test
  void withoutAClientCertificateTheCollectorRefusesAndTheAgentKeepsTrying() throws Exception {
    try (TestControlServer server = mtlsServer()) {
      ControlConfig config =
          new ControlConfig(server.port(), null, null, pem("ca.pem"), new TreeMap<>());
      ControlState state = new ControlState();
      try (ControlChannel channel =
              ControlChannel.open(InetAddress.getByName("127.0.0.1"), "127.0.0.1", config);
          ControlClient client = client(channel, state)) {
        Poll.until(
            TIMEOUT, "a refused attempt", () -> client.state().lastError().contains("UNAVAILABLE"));
        assertThat(state.connected()).isFalse();
        assertThat(server.registers).isEmpty();
      }
    }
  }

  @Test
  void aCollectorCertificateForAnotherNameIsNotTrusted() throws Exception {
    try (TestControlServer server = mtlsServer()) {
      ControlConfig config =
          new ControlConfig(
              server.port(), pem("agent.pem"), pem("agent.key"), pem("ca.pem"), new TreeMap<>());
      ControlState state = new ControlState();
      try (ControlChannel channel =
              ControlChannel.open(InetAddress.getByName("127.0.0.1"), "collector.example", config);
          ControlClient client = client(channel, state)) {
        Poll.until(
            TIMEOUT, "a refused attempt", () -> client.state().lastError().contains("UNAVAILABLE"));
        assertThat(server.registers).isEmpty();
      }
    }
  }

  private static final class NullTarget implements PolicyTarget {
    @Override
    public PolicyOutcome apply(CapturePolicy policy, Map<String, Integer> sessionIds) {
      return PolicyOutcome.applied("");
    }

    @Override
    public void assignSessions(Map<String, Integer> sessionIds) {}

    @Override
    public AgentStats stats() {
      return AgentStats.getDefaultInstance();
    }

    @Override
    public boolean nanosecondTimestamps() {
      return true;
    }
  }
}

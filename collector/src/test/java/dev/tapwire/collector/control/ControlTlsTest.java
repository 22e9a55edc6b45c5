package dev.tapwire.collector.control;

import static dev.tapwire.collector.control.ControlServiceTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.config.ControlServerSettings;
import dev.tapwire.proto.v1.AdminServiceGrpc;
import dev.tapwire.proto.v1.AgentServiceGrpc;
import dev.tapwire.proto.v1.ListAgentsRequest;
import dev.tapwire.proto.v1.RegisterResponse;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.TestCertificates;
import io.grpc.ChannelCredentials;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlTlsTest {
  private static final ControlLimits FAST_RELOAD =
      new ControlLimits(
          TimeUnit.MINUTES.toNanos(1),
          TimeUnit.MINUTES.toNanos(1),
          4,
          64,
          TimeUnit.MILLISECONDS.toNanos(100));

  @TempDir Path dir;

  private ControlServerSettings settings(
      TestCertificates.Pair server, Path ca, Path adminCa, List<String> adminCns) throws Exception {
    return new ControlServerSettings(
        InetAddress.getByName("127.0.0.1"),
        0,
        server.cert(),
        server.key(),
        ca,
        adminCa,
        adminCns,
        TimeUnit.SECONDS.toNanos(10));
  }

  private static ChannelCredentials client(Path trust, TestCertificates.Pair identity) {
    try {
      TlsChannelCredentials.Builder builder =
          TlsChannelCredentials.newBuilder().trustManager(trust.toFile());
      if (identity != null) {
        builder.keyManager(identity.cert().toFile(), identity.key().toFile());
      }
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RegisterResponse register(ControlTestServer server, ChannelCredentials creds) {
    return AgentServiceGrpc.newBlockingStub(server.channel(creds))
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .register(AgentRegistryTest.agent("web-1", 1));
  }

  private static int listAgents(ControlTestServer server, ChannelCredentials creds) {
    return AdminServiceGrpc.newBlockingStub(server.channel(creds))
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .listAgents(ListAgentsRequest.getDefaultInstance())
        .getAgentsCount();
  }

  @Test
  void mutualTlsAdmitsOnlyClientsWithACertificateFromTheCa() throws Exception {
    TestCertificates pki = new TestCertificates(dir);
    TestCertificates.Pair ca = pki.ca("agents-ca");
    TestCertificates.Pair server = pki.issue(ca, "server", "localhost");
    TestCertificates.Pair agent = pki.issue(ca, "agent", "web-1");
    TestCertificates.Pair rogueCa = pki.ca("rogue-ca");
    TestCertificates.Pair rogue = pki.issue(rogueCa, "rogue", "web-1");
    try (ControlTestServer s =
        new ControlTestServer(settings(server, ca.cert(), null, List.of()), FAST_RELOAD)) {
      assertThat(register(s, client(ca.cert(), agent)).getAgentId()).startsWith("web-1-");
      assertThat(listAgents(s, client(ca.cert(), agent))).as("no admin restriction").isEqualTo(1);
      assertCode(() -> register(s, client(ca.cert(), null)), Status.Code.UNAVAILABLE);
      assertCode(() -> register(s, client(ca.cert(), rogue)), Status.Code.UNAVAILABLE);
      assertThat(s.plane.registry().list(dev.tapwire.proto.v1.AgentSelector.getDefaultInstance()))
          .hasSize(1);
    }
  }

  @Test
  void adminCallsNeedACertificateFromTheAdminCa() throws Exception {
    TestCertificates pki = new TestCertificates(dir);
    TestCertificates.Pair ca = pki.ca("agents-ca");
    TestCertificates.Pair adminCa = pki.ca("admin-ca");
    TestCertificates.Pair server = pki.issue(ca, "server", "localhost");
    TestCertificates.Pair agent = pki.issue(ca, "agent", "web-1");
    TestCertificates.Pair admin = pki.issue(adminCa, "admin", "alice");
    try (ControlTestServer s =
        new ControlTestServer(
            settings(server, ca.cert(), adminCa.cert(), List.of()), FAST_RELOAD)) {
      register(s, client(ca.cert(), agent));
      assertCode(() -> listAgents(s, client(ca.cert(), agent)), Status.Code.PERMISSION_DENIED);
      assertThat(listAgents(s, client(ca.cert(), admin))).isEqualTo(1);
    }
  }

  @Test
  void adminCallsCanBeLimitedToCommonNames() throws Exception {
    TestCertificates pki = new TestCertificates(dir);
    TestCertificates.Pair ca = pki.ca("ca");
    TestCertificates.Pair server = pki.issue(ca, "server", "localhost");
    TestCertificates.Pair alice = pki.issue(ca, "alice", "alice");
    TestCertificates.Pair bob = pki.issue(ca, "bob", "bob");
    try (ControlTestServer s =
        new ControlTestServer(settings(server, ca.cert(), null, List.of("alice")), FAST_RELOAD)) {
      assertThat(listAgents(s, client(ca.cert(), alice))).isZero();
      assertCode(() -> listAgents(s, client(ca.cert(), bob)), Status.Code.PERMISSION_DENIED);
      assertThat(register(s, client(ca.cert(), bob)).getAgentId())
          .as("agents unaffected")
          .isNotEmpty();
    }
  }

  @Test
  void aReplacedServerCertificateIsServedWithoutRestart() throws Exception {
    TestCertificates pki = new TestCertificates(dir);
    TestCertificates.Pair oldCa = pki.ca("old-ca");
    TestCertificates.Pair newCa = pki.ca("new-ca");
    TestCertificates.Pair oldServer = pki.issue(oldCa, "old-server", "localhost");
    TestCertificates.Pair newServer = pki.issue(newCa, "new-server", "localhost");
    TestCertificates.Pair live =
        new TestCertificates.Pair(dir.resolve("live.pem"), dir.resolve("live.key"));
    Files.copy(oldServer.cert(), live.cert());
    Files.copy(oldServer.key(), live.key());
    try (ControlTestServer s =
        new ControlTestServer(settings(live, null, null, List.of()), FAST_RELOAD)) {
      assertThat(register(s, client(oldCa.cert(), null)).getAgentId()).isNotEmpty();
      assertCode(() -> register(s, client(newCa.cert(), null)), Status.Code.UNAVAILABLE);

      Path tmpKey = dir.resolve("live.key.tmp");
      Path tmpCert = dir.resolve("live.pem.tmp");
      Files.copy(newServer.key(), tmpKey);
      Files.copy(newServer.cert(), tmpCert);
      Files.move(
          tmpKey, live.key(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.move(
          tmpCert,
          live.cert(),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);

      Poll.until(
          Duration.ofSeconds(20),
          "the new certificate to be served",
          () -> {
            try {
              return !register(s, client(newCa.cert(), null)).getAgentId().isEmpty();
            } catch (RuntimeException e) {
              return false;
            }
          });
      assertCode(() -> register(s, client(oldCa.cert(), null)), Status.Code.UNAVAILABLE);
    }
  }
}

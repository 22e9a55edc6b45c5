package dev.tapwire.cli.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.agent.Agent;
import dev.tapwire.agent.config.AgentConfig.TlsFiles;
import dev.tapwire.agent.config.AgentSettingKeys;
import dev.tapwire.agent.metrics.AgentTotals;
import dev.tapwire.agent.transport.GrpcTransport;
import dev.tapwire.agent.transport.SendOutcome;
import dev.tapwire.cli.testing.InProcess;
import dev.tapwire.collector.Collector;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import dev.tapwire.testkit.VethPair;
import dev.tapwire.wire.capture.CaptureFileReader;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC transport end to end, with mTLS: an agent in its namespace captures a veth and streams
 * the frames to a collector in another namespace, which writes pcapng. The file holds exactly what
 * an independent tcpdump saw on the captured interface (sha256 per frame, capture times, original
 * lengths of frames cut to the snap length), the books balance on both sides, and clients without a
 * certificate the collector trusts are refused.
 */
class GrpcTransportIT {
  private static final String AGENT = "198.18.3.1";
  private static final String COLLECTOR = "198.18.3.2";
  private static final int SNAPLEN = 200;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  @SuppressWarnings("try") // the export link only has to exist
  void capturedFramesArriveUntouchedOverMutualTlsAndStrangersAreRefused() throws Exception {
    RootRequirement.check();
    TestCertificates certs = TestCertificates.create(dir, COLLECTOR);
    Path output = Files.createDirectories(dir.resolve("out"));
    List<byte[]> frames = frames();
    try (Netns generator = Netns.create();
        Netns agentNs = Netns.create();
        Netns collectorNs = Netns.create();
        VethPair tap = VethPair.between(generator, agentNs).silent().create();
        VethPair export =
            VethPair.between(agentNs, collectorNs)
                .addresses(AGENT + "/30", COLLECTOR + "/30")
                .create()) {
      // The collector serves the DataService on its control-plane port (7460), with mutual TLS.
      Collector collector = startCollector(collectorNs, output, certs);
      Agent agent = null;
      try (TcpdumpCapture captured =
          TcpdumpCapture.start(
              agentNs,
              tap.nameB(),
              dir.resolve("captured.pcap"),
              List.of("--time-stamp-precision=nano"),
              null)) {
        assertThat(collector.controlPlane().port()).isEqualTo(7460);
        Agent running = startAgent(agentNs, tap.nameB(), certs);
        agent = running;
        Poll.until(TIMEOUT, "the agent's stream open", running::ready);
        assertThat(collector.grpcIngress().grpcCounters().openStreams.get()).isEqualTo(1);

        InProcess.send(generator, tap.nameA(), frames);
        captured.awaitPackets(frames.size(), TIMEOUT);
        FrameSink file = collector.sinks().getFirst();
        Poll.until(
            TIMEOUT,
            frames.size() + " frames written",
            () -> file.framesDelivered() == frames.size(),
            () -> file.framesDelivered() + " written; " + running.totals());

        refusesClient(agentNs, collector, certs.rogueCert(), certs.rogueKey(), certs.ca());
        refusesClient(agentNs, collector, null, null, certs.ca());

        boolean nanos = running.nanosecondTimestamps(0);
        running.close();
        AgentTotals totals = running.totals();
        assertThat(totals.captured()).isEqualTo(frames.size());
        assertThat(totals.sent()).isEqualTo(frames.size());
        assertThat(totals.dropped()).isZero();
        assertThat(totals.balanced()).as("agent books: %s", totals).isTrue();
        captured.stop();
        collector.close();
        assertThat(collector.books().balances())
            .allSatisfy(b -> assertThat(b.balanced()).as(b.equation()).isTrue());
        assertThat(collector.decodeStage().counters().framesLost.get()).isZero();

        List<TcpdumpCapture.Frame> seen = TcpdumpCapture.readFrames(captured.file());
        List<Record> written = readPcapng(output);
        assertThat(written).hasSize(seen.size());
        for (int i = 0; i < seen.size(); i++) {
          TcpdumpCapture.Frame tcpdump = seen.get(i);
          Record record = written.get(i);
          byte[] expected =
              java.util.Arrays.copyOf(tcpdump.data(), Math.min(SNAPLEN, tcpdump.data().length));
          assertThat(sha256(record.data())).as("frame %d", i).isEqualTo(sha256(expected));
          assertThat(record.originalLength())
              .as("original length of frame %d", i)
              .isEqualTo(tcpdump.originalLength());
          if (nanos) {
            assertThat(record.timestampNs())
                .as("capture time of frame %d", i)
                .isEqualTo(tcpdump.timestampNanos());
          } else {
            assertThat(record.timestampNs() / 1000).isEqualTo(tcpdump.timestampNanos() / 1000);
          }
        }
        assertThat(written.stream().filter(r -> r.data().length < r.originalLength()).count())
            .as("frames cut to the snap length")
            .isPositive();
      } finally {
        if (agent != null) {
          agent.close();
        }
        collector.close();
      }
    }
  }

  /**
   * A client whose certificate the collector does not trust (or that has none) never gets a stream:
   * for 3 s of attempts (its own reconnect backoff) it is never ready, its frames are dropped as
   * unreachable, and the collector sees no stream and no batch from it.
   */
  private static void refusesClient(Netns ns, Collector collector, Path cert, Path key, Path ca)
      throws Exception {
    long streamsBefore = collector.grpcIngress().grpcCounters().openStreams.get();
    long batchesBefore = collector.grpcIngress().grpcCounters().batches.get();
    GrpcTransport transport =
        NetworkNamespace.runIn(
            ns.name(),
            () ->
                GrpcTransport.open(
                    new GrpcTransport.Options(
                        InetAddress.getByName(COLLECTOR),
                        7460,
                        COLLECTOR,
                        new TlsFiles(cert, key, ca),
                        "stranger",
                        new int[] {1},
                        1_600)));
    try {
      SendOutcome outcome = new SendOutcome();
      long unreachable = 0;
      // A period in which nothing may happen: there is no event to wait for instead.
      long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() - deadline < 0) {
        var slot = transport.nextSlot();
        slot.buffer().clear().writeLong(1).writeInt(60).writeShort(1).writeShort(1);
        slot.buffer().writeZero(60);
        transport.commit(16 + 60);
        transport.flush(outcome);
        unreachable += outcome.collectorUnreachable;
        assertThat(transport.ready()).as("a stranger's stream never opens").isFalse();
        LockSupport.parkNanos(5_000_000);
      }
      assertThat(unreachable).as("the stranger's frames dropped as unreachable").isPositive();
      assertThat(transport.lastStreamError()).as("why its streams ended").startsWith("UNAVAILABLE");
      assertThat(collector.grpcIngress().grpcCounters().openStreams.get()).isEqualTo(streamsBefore);
      assertThat(collector.grpcIngress().grpcCounters().batches.get()).isEqualTo(batchesBefore);
    } finally {
      transport.close();
    }
  }

  private static Collector startCollector(Netns ns, Path output, TestCertificates certs)
      throws Exception {
    Map<String, List<String>> flags = new HashMap<>();
    flags.put(CollectorSettingKeys.TLS_CERT, List.of(certs.serverCert().toString()));
    flags.put(CollectorSettingKeys.TLS_KEY, List.of(certs.serverKey().toString()));
    flags.put(CollectorSettingKeys.TLS_CA, List.of(certs.ca().toString()));
    flags.put(CollectorSettingKeys.QUEUE_FRAMES, List.of("4096"));
    flags.put(CollectorSettingKeys.METRICS_PORT, List.of("0"));
    flags.put(CollectorSettingKeys.OUTPUT_DIR, List.of(output.toString()));
    return InProcess.collector(ns, flags);
  }

  private static Agent startAgent(Netns ns, String iface, TestCertificates certs) throws Exception {
    Map<String, List<String>> flags = new HashMap<>();
    flags.put(AgentSettingKeys.INTERFACE, List.of(iface));
    flags.put(AgentSettingKeys.COLLECTOR, List.of(COLLECTOR));
    flags.put(AgentSettingKeys.ENCAP, List.of("grpc"));
    flags.put(AgentSettingKeys.SNAPLEN, List.of(Integer.toString(SNAPLEN)));
    flags.put(AgentSettingKeys.TLS_CERT, List.of(certs.clientCert().toString()));
    flags.put(AgentSettingKeys.TLS_KEY, List.of(certs.clientKey().toString()));
    flags.put(AgentSettingKeys.TLS_CA, List.of(certs.ca().toString()));
    flags.put(AgentSettingKeys.METRICS_PORT, List.of("0"));
    return InProcess.agent(ns, flags);
  }

  /** Ethernet frames of several sizes and kinds, some longer than the snap length. */
  private static List<byte[]> frames() {
    Random random = new Random(3);
    List<byte[]> frames = new ArrayList<>();
    int[] sizes = {60, 64, 150, 199, 200, 201, 512, 1000, 1514};
    int[] types = {0x0800, 0x86DD, 0x0806, 0x8100, 0x88CC};
    for (int i = 0; i < 45; i++) {
      byte[] frame = new byte[sizes[i % sizes.length]];
      random.nextBytes(frame);
      byte[] header = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
      System.arraycopy(header, 0, frame, 0, header.length);
      int type = types[i % types.length];
      frame[12] = (byte) (type >> 8);
      frame[13] = (byte) type;
      frames.add(frame);
    }
    return frames;
  }

  private record Record(byte[] data, int originalLength, long timestampNs) {}

  private static List<Record> readPcapng(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".pcapng")).toList();
    }
    assertThat(files).hasSize(1);
    ByteBuf in = Unpooled.wrappedBuffer(Files.readAllBytes(files.getFirst()));
    CaptureFileReader reader = new CaptureFileReader();
    CaptureRecord record = new CaptureRecord();
    List<Record> records = new ArrayList<>();
    while (true) {
      CaptureReadResult result = reader.next(in, record);
      if (result == CaptureReadResult.RECORD) {
        records.add(
            new Record(
                ByteBufUtil.getBytes(record.data(), record.dataOffset(), record.capturedLength()),
                record.originalLength(),
                record.timestampNs()));
      } else if (result != CaptureReadResult.INTERFACE_STATISTICS) {
        break;
      }
    }
    return records;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}

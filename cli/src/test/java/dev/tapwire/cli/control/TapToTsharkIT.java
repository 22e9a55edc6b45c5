package dev.tapwire.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.cli.demo.FrameDigests;
import dev.tapwire.collector.Collector;
import dev.tapwire.collector.DefaultSinks;
import dev.tapwire.collector.config.CollectorConfig;
import dev.tapwire.collector.config.CollectorConfigLoader;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.netio.IpFamily;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.netio.RawIpSocket;
import dev.tapwire.netio.SendBatch;
import dev.tapwire.netio.SockAddr;
import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.testkit.ExternalTool;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TestAddresses;
import dev.tapwire.testkit.Tshark;
import dev.tapwire.testkit.VethPair;
import dev.tapwire.wire.tunnel.TunnelEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real collector in a namespace receives raw ERSPAN II from another namespace; {@code tapwire tap
 * -w - | tshark -r -} (a separate process) gets exactly the frames its BPF expression selects, byte
 * for byte, in order, with one pcapng interface per source.
 */
class TapToTsharkIT {
  private static final InetAddress SENDER = TestAddresses.requireTestAddress("198.18.0.1");
  private static final InetAddress COLLECTOR = TestAddresses.requireTestAddress("198.18.0.2");
  private static final int FRAMES = 60;
  private static final Duration WAIT = Duration.ofSeconds(120); // a JVM start on a loaded box

  @TempDir Path dir;

  /** Ethernet/IPv4/UDP, IP id = {@code id}, UDP destination port 2000 for even ids, else 3000. */
  static byte[] frame(int id) {
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(new byte[] {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02});
    b.writeShort(0x0800);
    int payload = 100 + id;
    b.writeByte(0x45).writeByte(0).writeShort(28 + payload).writeShort(id).writeShort(0);
    b.writeByte(64).writeByte(17).writeShort(0);
    b.writeInt(0xC612_0A01).writeInt(0xC612_0A02); // 198.18.10.1 -> 198.18.10.2
    b.writeShort(1000 + id).writeShort(id % 2 == 0 ? 2000 : 3000).writeShort(8 + payload);
    b.writeShort(0);
    for (int i = 0; i < payload; i++) {
      b.writeByte(id * 7 + i);
    }
    return ByteBufUtil.getBytes(b);
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void tapThroughTsharkYieldsTheSelectedFramesByteForByte() throws Exception {
    RootRequirement.check();
    Path tshark = ExternalTool.require("tshark");
    try (Netns sender = Netns.create();
        Netns collectorNs = Netns.create();
        VethPair link =
            VethPair.between(sender, collectorNs)
                .addresses(SENDER.getHostAddress() + "/24", COLLECTOR.getHostAddress() + "/24")
                .create()) {
      assertThat(link.nameA()).isNotEmpty();
      Map<String, List<String>> flags = new LinkedHashMap<>();
      flags.put(CollectorSettingKeys.LISTEN, List.of(COLLECTOR.getHostAddress()));
      flags.put(CollectorSettingKeys.VXLAN_PORT, List.of("0"));
      flags.put(CollectorSettingKeys.GRE_IN_UDP_PORT, List.of("0"));
      flags.put(CollectorSettingKeys.OUTPUT_DIR, List.of(dir.resolve("files").toString()));
      flags.put(CollectorSettingKeys.QUEUE_FRAMES, List.of("4096"));
      flags.put(CollectorSettingKeys.METRICS_PORT, List.of("0"));
      flags.put(CollectorSettingKeys.GRPC_ADDRESS, List.of("127.0.0.1"));
      CollectorConfig config =
          CollectorConfigLoader.load(
              new LayeredSettings(
                  flags, Map.of(), CollectorSettingKeys.ENVIRONMENT_PREFIX, Map.of(), "test"));
      PrometheusRegistry metrics = new PrometheusRegistry();
      try (Collector collector =
          NetworkNamespace.runIn(
              collectorNs.name(),
              () -> Collector.start(config, metrics, DefaultSinks::create, false))) {
        int port = collector.controlPlane().port();
        Path out = dir.resolve("tap.pcapng");
        List<String> tap =
            List.of(
                "ip",
                "netns",
                "exec",
                collectorNs.name(),
                "bash",
                "-c",
                "set -o pipefail; '"
                    + ProcessHandle.current().info().command().orElseThrow()
                    + "' --enable-native-access=ALL-UNNAMED -cp '"
                    + System.getProperty("java.class.path")
                    + "' dev.tapwire.cli.TapwireCli tap --collector 127.0.0.1:"
                    + port
                    + " -c 30 -w - udp dst port 2000 | '"
                    + tshark
                    + "' -r - -w '"
                    + out
                    + "'");
        Process process =
            new ProcessBuilder(tap)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("tap.log").toFile())
                .start();
        try {
          Poll.until(
              WAIT,
              "the tap attached",
              () -> scrape(metrics).contains("tapwire_collector_tap_clients 1.0"),
              () -> readQuietly(dir.resolve("tap.log")));
          List<String> expected = new ArrayList<>();
          try (RawIpSocket socket =
                  NetworkNamespace.runIn(
                      sender.name(),
                      () -> {
                        RawIpSocket s = RawIpSocket.openGre(IpFamily.IPV4);
                        s.bind(SENDER);
                        return s;
                      });
              SendBatch batch = new SendBatch(1, 65_535)) {
            for (int i = 0; i < FRAMES; i++) {
              byte[] inner = frame(i);
              if (i % 2 == 0) {
                expected.add(sha256(inner));
              }
              ByteBuf gre = Unpooled.buffer();
              TunnelEncoder.writeErspanII(gre, i, 7, 0, 0, 0, false, 1);
              gre.writeBytes(inner);
              byte[] packet = ByteBufUtil.getBytes(gre);
              batch.clear();
              batch.add(packet, 0, packet.length, SockAddr.of(COLLECTOR));
              assertThat(socket.send(batch)).isEqualTo(1);
            }
          }
          assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("tap ends after -c 30").isTrue();
          assertThat(process.exitValue()).as(readQuietly(dir.resolve("tap.log"))).isZero();

          List<FrameDigests.Frame> got = FrameDigests.read(out);
          assertThat(got)
              .extracting(FrameDigests.Frame::sha256)
              .containsExactlyElementsOf(expected);
          assertThat(got)
              .extracting(FrameDigests.Frame::interfaceName)
              .containsOnly("198.18.0.1/erspan_ii-7");
          assertThat(Tshark.field(out, "udp.dstport")).hasSize(30).containsOnly("2000");
          assertThat(Tshark.field(out, "frame.interface_description"))
              .allSatisfy(d -> assertThat(d).contains("session 7"));
          assertThat(readQuietly(dir.resolve("tap.log"))).contains("tap: 30 frames from 1 sources");
        } finally {
          process.destroyForcibly();
        }
      }
    }
  }

  private static String scrape(PrometheusRegistry registry) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.DEFAULT);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}

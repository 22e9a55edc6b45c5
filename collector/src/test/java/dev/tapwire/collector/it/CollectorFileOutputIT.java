package dev.tapwire.collector.it;

import static dev.tapwire.collector.testing.CollectorTopology.COLLECTOR_V4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.Collector;
import dev.tapwire.collector.DefaultSinks;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.collector.testing.CollectingSink;
import dev.tapwire.collector.testing.CollectorTopology;
import dev.tapwire.collector.testing.RealCapturePackets;
import dev.tapwire.collector.testing.ReplayPlan;
import dev.tapwire.collector.testing.TunnelSender;
import dev.tapwire.testkit.Capinfos;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RealCaptures;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.wire.capture.CaptureFileReader;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The whole collector with its default sink: every tunnelled real capture replayed at it ends up,
 * byte for byte, in one pcapng file that capinfos (Wireshark) reads cleanly, with one interface per
 * stream named after its source and session.
 */
class CollectorFileOutputIT {
  @Test
  void replayedCapturesEndUpInAPcapngFile() throws Exception {
    RootRequirement.check();
    Path dir = Files.createTempDirectory("tapwire-collector-files");
    try (CollectorTopology topology = CollectorTopology.create()) {
      Collector collector =
          topology.startCollector(
              CollectorTopology.config(
                  Map.of(CollectorSettingKeys.OUTPUT_DIR, List.of(dir.toString()))),
              DefaultSinks::create);
      ReplayPlan plan = new ReplayPlan(COLLECTOR_V4);
      for (String file : RealCapturePackets.TUNNELLED) {
        plan.add(
            RealCapturePackets.read(RealCaptures.file(file)), n -> topology.extraSource(n + 1));
      }
      TunnelSender sender = topology.sender();
      for (ReplayPlan.Send send : plan.sends) {
        if (send.gre()) {
          sender.sendGre(send.source(), COLLECTOR_V4, send.payload());
        } else {
          sender.sendUdp(send.source(), COLLECTOR_V4, send.port(), send.payload());
        }
      }
      FrameSink files = collector.sinks().getFirst();
      Poll.until(
          Duration.ofSeconds(20),
          plan.expectedFrames.size() + " frames written",
          () -> files.framesDelivered() == plan.expectedFrames.size(),
          () -> files.framesDelivered() + " written; " + collector.books().balances());
      collector.close(); // flushes and closes the file

      List<Path> written;
      try (Stream<Path> list = Files.list(dir)) {
        written = list.filter(p -> p.toString().endsWith(".pcapng")).toList();
      }
      assertThat(written).hasSize(1);
      Path pcapng = written.getFirst();
      assertThat(Capinfos.packetCount(pcapng)).isEqualTo(plan.expectedFrames.size());
      assertThat(new HashSet<>(Capinfos.interfaceNames(pcapng)))
          .isEqualTo(plan.expectedInterfaceNames);
      assertThat(frameHashes(pcapng).stream().sorted().toList())
          .isEqualTo(plan.expectedFrames.stream().sorted().toList());
    } finally {
      try (Stream<Path> list = Files.list(dir)) {
        for (Path p : list.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  private static List<String> frameHashes(Path file) throws Exception {
    ByteBuf in = Unpooled.wrappedBuffer(Files.readAllBytes(file));
    CaptureFileReader reader = new CaptureFileReader();
    CaptureRecord record = new CaptureRecord();
    List<String> hashes = new ArrayList<>();
    while (true) {
      CaptureReadResult result = reader.next(in, record);
      if (result == CaptureReadResult.RECORD) {
        hashes.add(
            CollectingSink.sha256(
                ByteBufUtil.getBytes(record.data(), record.dataOffset(), record.capturedLength())));
      } else if (result != CaptureReadResult.INTERFACE_STATISTICS) {
        break;
      }
    }
    return hashes;
  }
}

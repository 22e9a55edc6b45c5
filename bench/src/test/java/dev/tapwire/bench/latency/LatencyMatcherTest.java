package dev.tapwire.bench.latency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.pcap.LinkType;
import dev.tapwire.wire.pcap.PcapTimestampPrecision;
import dev.tapwire.wire.pcap.PcapWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyMatcherTest {
  private static final long T0_NS = 1_764_000_000_123_456_789L;

  @Test
  void pairsEqualFramesAndReportsPercentilesOfTheirTimeDifference(@TempDir Path dir)
      throws IOException {
    // 1,000 distinct frames delivered 10 µs after capture, the last 10 of them 1 ms after.
    Path source = dir.resolve("in.pcap");
    Path delivered = dir.resolve("out.pcap");
    write(source, 1_000, i -> T0_NS + i * 1_000L);
    write(delivered, 1_000, i -> T0_NS + i * 1_000L + (i >= 990 ? 1_000_000L : 10_000L));

    LatencyMatcher matcher =
        new LatencyMatcher().match(CaptureTimes.read(source), CaptureTimes.read(delivered));

    assertThat(matcher.matched()).isEqualTo(1_000);
    assertThat(matcher.unmatchedDelivered()).isZero();
    assertThat(matcher.micros(50)).isBetween(9.9, 10.1);
    assertThat(matcher.micros(99.9)).isBetween(990.0, 1_010.0);
    assertThat(matcher.json()).contains("\"matched\": 1000");
  }

  @Test
  void repeatedContentPairsInOrderAndForeignFramesAreCountedUnmatched(@TempDir Path dir)
      throws IOException {
    Path source = dir.resolve("in.pcap");
    Path delivered = dir.resolve("out.pcap");
    // Frame content repeats every 4 frames; delivery adds 5 µs; one frame nobody captured.
    write(source, 8, i -> T0_NS + i * 100_000L, 4);
    write(delivered, 9, i -> T0_NS + i * 100_000L + 5_000L, 4, 8);

    LatencyMatcher matcher =
        new LatencyMatcher().match(CaptureTimes.read(source), CaptureTimes.read(delivered));

    assertThat(matcher.matched()).isEqualTo(8);
    assertThat(matcher.unmatchedDelivered()).isEqualTo(1);
    assertThat(matcher.micros(100)).isBetween(4.99, 5.01);
  }

  private interface Times {
    long ns(int index);
  }

  private static void write(Path file, int count, Times times) throws IOException {
    write(file, count, times, Integer.MAX_VALUE, -1);
  }

  private static void write(Path file, int count, Times times, int period) throws IOException {
    write(file, count, times, period, -1);
  }

  /** Frame i holds the number i % period, or 0xffff at index {@code foreign}. */
  private static void write(Path file, int count, Times times, int period, int foreign)
      throws IOException {
    PcapWriter writer =
        new PcapWriter(LinkType.ETHERNET, 65_535, PcapTimestampPrecision.NANOSECONDS);
    ByteBuf out = Unpooled.buffer();
    writer.writeHeader(out);
    for (int i = 0; i < count; i++) {
      ByteBuf frame = Unpooled.buffer(60).writeZero(60);
      frame.setInt(30, i == foreign ? 0xffff : i % period);
      writer.writeRecord(out, times.ns(i), frame, 0, 60, 60);
    }
    byte[] bytes = new byte[out.readableBytes()];
    out.readBytes(bytes);
    Files.write(file, bytes);
  }
}

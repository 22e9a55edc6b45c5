package dev.tapwire.wire.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.RealCaptures;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.LinkType;
import dev.tapwire.wire.pcap.PcapWriter;
import dev.tapwire.wire.testing.CaptureReading;
import dev.tapwire.wire.testing.CaptureReading.Outcome;
import dev.tapwire.wire.testing.SampleCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded mutations of real and written captures (flipped bytes, overwritten lengths, cuts,
 * splices): the readers never throw, never loop, and end with END_OF_INPUT or a reason.
 * Deterministic, so a failure reproduces; the Jazzer fuzz test explores further.
 */
class CaptureFileReaderRobustnessTest {
  private static final int MUTATIONS_PER_FILE = 300;

  record Seed(String name, byte[] bytes) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Seed> seeds() {
    List<Seed> seeds = new ArrayList<>();
    Stream.of(
            "tcpdump/pptp.pcap",
            "tcpdump/tcp-handshake-nano.pcap",
            "zeek/erspanIII.pcap",
            "pcapng-test-generator/test202-le.pcapng")
        .map(RealCaptures::file)
        .forEach(file -> seeds.add(new Seed(name(file), CaptureReading.bytesOf(file))));
    seeds.add(new Seed("sample.pcapng", CaptureReading.bytesOf(SampleCapture.write())));
    ByteBuf pcap = Unpooled.buffer();
    PcapWriter writer = new PcapWriter(LinkType.ETHERNET, 1500);
    writer.writeHeader(pcap);
    for (int i = 0; i < 5; i++) {
      byte[] frame = SampleCapture.frame(i, 40 + i * 13);
      writer.writeRecord(pcap, i, Unpooled.wrappedBuffer(frame), 0, frame.length, frame.length);
    }
    seeds.add(new Seed("sample.pcap", CaptureReading.bytesOf(pcap)));
    return seeds.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("seeds")
  void mutatedFilesNeverThrow(Seed seed) {
    Random random = new Random(seed.name().hashCode());
    for (int i = 0; i < MUTATIONS_PER_FILE; i++) {
      byte[] mutated = mutate(seed.bytes(), random);
      int chunk = 1 + random.nextInt(Math.max(1, mutated.length));

      Outcome outcome = CaptureReading.readAll(new CaptureFileReader(), mutated, chunk);

      assertThat(outcome.end()).as("mutation %d of %s", i, seed).isIn(endings());
    }
  }

  private static List<CaptureReadResult> endings() {
    return Arrays.stream(CaptureReadResult.values())
        .filter(r -> r == CaptureReadResult.END_OF_INPUT || r.isFatal())
        .toList();
  }

  private static byte[] mutate(byte[] original, Random random) {
    byte[] bytes = original.clone();
    int kind = random.nextInt(5);
    switch (kind) {
      case 0 -> {
        for (int n = 1 + random.nextInt(8); n > 0; n--) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
        }
      }
      case 1 -> {
        // Overwrite an aligned word (often a length or an option header) with a nasty value.
        int[] nasty = {0, 1, 3, 4, 8, 12, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000, 0xFFFF, 0x10000};
        int at = random.nextInt(bytes.length / 4) * 4;
        int value = nasty[random.nextInt(nasty.length)];
        for (int b = 0; b < 4 && at + b < bytes.length; b++) {
          bytes[at + b] = (byte) (value >>> (8 * b));
        }
      }
      case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
      case 3 -> {
        // Splice: repeat a random slice somewhere else.
        int from = random.nextInt(bytes.length);
        int length = random.nextInt(Math.min(64, bytes.length - from) + 1);
        int to = random.nextInt(bytes.length);
        byte[] out = new byte[bytes.length + length];
        System.arraycopy(bytes, 0, out, 0, to);
        System.arraycopy(bytes, from, out, to, length);
        System.arraycopy(bytes, to, out, to + length, bytes.length - to);
        bytes = out;
      }
      default -> {
        for (int b = 8 + random.nextInt(Math.max(1, bytes.length - 8)); b < bytes.length; b++) {
          bytes[b] = (byte) random.nextInt(256);
        }
      }
    }
    return bytes;
  }

  private static String name(Path file) {
    return file.getFileName().toString();
  }
}

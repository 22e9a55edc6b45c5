package dev.tapwire.collector.sink.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.sink.CaptureFileContents;
import dev.tapwire.collector.sink.SinkTestFrames;
import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.ExternalTool;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.Tshark;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a process writing capture files: the file it leaves is readable up to its last
 * complete block, and every block the process reported as written is in it; a restart starts a new
 * file, overwrites nothing, and cuts a partial last block if the kill left one.
 */
class FileSinkKillIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  @Test
  void killNineLeavesAReadableFileAndARestartStartsANewOne() throws Exception {
    AtomicLong reportedDelivered = new AtomicLong();
    Process writer = startWriter(0, 0, reportedDelivered);
    try {
      Poll.until(
          TIMEOUT,
          "the writer to report 20000 frames written",
          () -> reportedDelivered.get() >= 20_000 || !writer.isAlive(),
          () -> "delivered " + reportedDelivered.get());
      assertThat(writer.isAlive()).as("writer still running").isTrue();
    } finally {
      writer.destroyForcibly(); // SIGKILL
      writer.waitFor(30, TimeUnit.SECONDS);
    }
    long deliveredBeforeKill = reportedDelivered.get();
    List<Path> files = files();
    assertThat(files).hasSize(1);
    Path killed = files.getFirst();
    byte[] bytesAfterKill = Files.readAllBytes(killed);

    Blocks blocks = Blocks.walk(bytesAfterKill);
    assertThat(blocks.packetSequences)
        .as("every frame reported written before the kill is in the file, in order")
        .hasSizeGreaterThanOrEqualTo((int) deliveredBeforeKill);
    for (int i = 0; i < blocks.packetSequences.size(); i++) {
      assertThat(blocks.packetSequences.get(i)).isEqualTo(i);
    }
    Exec.Result early =
        ExternalTool.run(
            ExternalTool.DEFAULT_TIMEOUT,
            "tshark",
            List.of("-n", "-r", killed.toString(), "-T", "fields", "-e", "frame.number"));
    assertThat(early.stdoutLines()).hasSize(blocks.packetSequences.size());
    if (blocks.completeBytes == bytesAfterKill.length) {
      assertThat(early.exitCode()).as("tshark on the killed file: " + early.stderr()).isZero();
    } else {
      // SIGKILL stopped a multi-page write() between two pages: only a partial last block.
      assertThat(early.stderr()).contains("cut short in the middle of a packet");
    }

    // Restart: a new file, the old one untouched but for a partial last block.
    Process second = startWriter(1_000_000, 500, new AtomicLong());
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isZero();

    List<Path> after = files();
    assertThat(after).hasSize(2).startsWith(killed);
    assertThat(Files.readAllBytes(killed))
        .isEqualTo(Arrays.copyOf(bytesAfterKill, (int) blocks.completeBytes));
    assertThat(Tshark.field(killed, "frame.number")).hasSize(blocks.packetSequences.size());
    Path fresh = after.get(1);
    List<CaptureFileContents.Packet> packets = CaptureFileContents.read(fresh).packets();
    assertThat(packets).hasSize(500);
    assertThat(SinkTestFrames.sequenceOf(packets.getFirst().data())).isEqualTo(1_000_000);
    assertThat(Tshark.field(fresh, "frame.number")).hasSize(500);
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private Process startWriter(int first, int count, AtomicLong delivered) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(StreamingWriterMain.class.getName());
    command.add(dir.toString());
    command.add(Integer.toString(first));
    command.add(Integer.toString(count));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.startsWith("delivered ")) {
                    delivered.set(Long.parseLong(line.substring(10).trim()));
                  }
                }
              } catch (IOException e) {
                // the process was killed
              }
            });
    return process;
  }

  /** An independent walk over pcapng blocks: complete prefix and the packets' sequence numbers. */
  private record Blocks(long completeBytes, List<Integer> packetSequences) {
    static Blocks walk(byte[] file) {
      ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
      List<Integer> sequences = new ArrayList<>();
      int pos = 0;
      while (pos + 8 <= file.length) {
        int type = b.getInt(pos);
        int length = b.getInt(pos + 4);
        assertThat(length).as("block length at %d", pos).isGreaterThanOrEqualTo(12);
        if (pos + length > file.length) {
          break;
        }
        assertThat(b.getInt(pos + length - 4)).as("trailing length at %d", pos).isEqualTo(length);
        if (type == 6) { // Enhanced Packet Block: data at 28, sequence at 14 in the frame
          sequences.add(ByteBuffer.wrap(file, pos + 28 + 14, 4).getInt());
        }
        pos += length;
      }
      return new Blocks(pos, sequences);
    }
  }
}

package dev.tapwire.collector.sink.file;

import static dev.tapwire.collector.sink.file.FileSinkHarness.filesIn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.sink.CaptureFileContents;
import dev.tapwire.collector.sink.SinkTestFrames;
import dev.tapwire.collector.stream.StreamDescriptor;
import dev.tapwire.testkit.Tshark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file whose last block was cut by SIGKILL in the middle of a write gets that partial block
 * removed when the sink starts again, and only then: complete files, files of other programs and
 * files a live writer holds are left alone.
 */
class TornTailRepairTest {
  private static final long T0 = 1_795_000_000_000_000_000L;

  @TempDir Path dir;

  private final SinkTestFrames frames = new SinkTestFrames(16, 1);
  private final FakeClocks clocks = new FakeClocks("2026-11-27T16:45:02Z");
  private final StreamDescriptor s1 = SinkTestFrames.stream(1, "198.18.1.1", 1);

  private Path writeFile(FileFormat format, int count) {
    try (FileSinkHarness h =
        new FileSinkHarness(FileSinkOptions.defaults(dir, format), clocks, frames)) {
      for (int i = 0; i < count; i++) {
        h.write(frames.frame(s1, SinkTestFrames.ethernet(300, i), T0 + i));
      }
      Path file = h.sink.currentFiles().getFirst();
      h.finish();
      return file;
    }
  }

  /** Appends the first {@code length} bytes of a copy of the file's last block. */
  private static void tear(Path file, int length) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    byte[] partial = Arrays.copyOfRange(bytes, bytes.length - 400, bytes.length - 400 + length);
    Files.write(file, partial, StandardOpenOption.APPEND);
  }

  @Test
  void cutsTheTornLastBlockOfTheNewestPcapngFileAtStartup() throws IOException {
    Path file = writeFile(FileFormat.PCAPNG, 5);
    byte[] complete = Files.readAllBytes(file);
    tear(file, 150);
    clocks.advanceMillis(1_000);
    try (FileSinkHarness h =
        new FileSinkHarness(FileSinkOptions.defaults(dir, FileFormat.PCAPNG), clocks, frames)) {
      assertThat(h.sink.counters().filesRepaired()).isEqualTo(1);
      h.write(frames.frame(s1, SinkTestFrames.ethernet(300, 5), T0 + 5));
      h.finish();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(complete);
    assertThat(Tshark.field(file, "frame.number")).hasSize(5);
    List<Path> files = filesIn(dir);
    assertThat(files).hasSize(2).startsWith(file);
  }

  @Test
  void cutsATornPcapRecord() throws IOException {
    Path file = writeFile(FileFormat.PCAP, 3);
    byte[] complete = Files.readAllBytes(file);
    tear(file, 10); // inside a record header
    new FileSinkHarness(FileSinkOptions.defaults(dir, FileFormat.PCAP), clocks, frames).finish();
    assertThat(Files.readAllBytes(file)).isEqualTo(complete);
    assertThat(CaptureFileContents.read(file).packets()).hasSize(3);
  }

  @Test
  void leavesCompleteFilesAndOtherProgramsFilesAlone() throws IOException {
    Path file = writeFile(FileFormat.PCAPNG, 2);
    byte[] complete = Files.readAllBytes(file);
    new FileSinkHarness(FileSinkOptions.defaults(dir, FileFormat.PCAPNG), clocks, frames).finish();
    assertThat(Files.readAllBytes(file)).isEqualTo(complete);

    Path foreign = dir.resolve("tapwire-20990101T000000.000000Z-00001.pcapng");
    byte[] text = "not a capture file, but newest by name".getBytes();
    Files.write(foreign, text);
    try (FileSinkHarness h =
        new FileSinkHarness(FileSinkOptions.defaults(dir, FileFormat.PCAPNG), clocks, frames)) {
      assertThat(h.sink.counters().filesRepaired()).isZero();
    }
    assertThat(Files.readAllBytes(foreign)).isEqualTo(text);
  }

  @Test
  void leavesAFileALiveWriterHolds() throws IOException {
    try (FileSinkHarness live =
        new FileSinkHarness(FileSinkOptions.defaults(dir, FileFormat.PCAPNG), clocks, frames)) {
      live.write(frames.frame(s1, SinkTestFrames.ethernet(300, 0), T0));
      Path file = live.sink.currentFiles().getFirst();
      Files.write(file, new byte[] {1, 0, 0, 0, 64, 0}, StandardOpenOption.APPEND);
      long size = Files.size(file);
      try (FileSinkHarness second =
          new FileSinkHarness(FileSinkOptions.defaults(dir, FileFormat.PCAPNG), clocks, frames)) {
        assertThat(second.sink.counters().filesRepaired()).isZero();
      }
      assertThat(Files.size(file)).isEqualTo(size);
    }
  }
}

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation by size and time, ring retention, per-source series, and never overwriting. */
class FileRotationTest {
  private static final long T0 = 1_795_000_000_000_000_000L;

  @TempDir Path dir;

  private final SinkTestFrames frames = new SinkTestFrames(64, 1);
  private final FakeClocks clocks = new FakeClocks("2026-11-27T16:45:02Z");
  private final StreamDescriptor s1 = SinkTestFrames.stream(1, "198.18.1.1", 1);
  private final StreamDescriptor s2 = SinkTestFrames.stream(2, "2001:db8::7", 2);

  private FileSinkHarness harness(FileSinkOptions options) {
    return new FileSinkHarness(options, clocks, frames);
  }

  private void writeFrames(FileSinkHarness h, StreamDescriptor stream, int first, int count) {
    for (int i = first; i < first + count; i++) {
      h.write(frames.frame(stream, SinkTestFrames.ethernet(500, i), T0 + i));
      clocks.advanceMillis(1);
    }
  }

  /**
   * Sequence numbers of every frame of every file, in file-name order; tshark must read the first
   * and the last file without complaint and find the same number of frames.
   */
  private static List<Integer> sequencesIn(List<Path> files) {
    List<Integer> sequences = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      CaptureFileContents contents = CaptureFileContents.read(file);
      assertThat(contents.end()).as("end of %s", file).isEqualTo("end_of_input");
      for (CaptureFileContents.Packet p : contents.packets()) {
        sequences.add(SinkTestFrames.sequenceOf(p.data()));
      }
      if (i == 0 || i == files.size() - 1) {
        assertThat(Tshark.field(file, "frame.number")).hasSize(contents.packets().size());
      }
    }
    return sequences;
  }

  @Test
  void rotatesBySizeWithoutLosingOrReorderingFrames() throws IOException {
    FileSinkOptions options =
        FileSinkOptions.defaults(dir, FileFormat.PCAPNG).withRotation(10_000, 0, 0);
    try (FileSinkHarness h = harness(options)) {
      writeFrames(h, s1, 0, 100);
      h.finish();
      assertThat(h.sink.framesDelivered()).isEqualTo(100);
      assertThat(h.sink.counters().filesOpened()).isEqualTo(h.sink.counters().filesClosed());
    }
    List<Path> files = filesIn(dir);
    assertThat(files).hasSizeGreaterThanOrEqualTo(5);
    assertThat(sequencesIn(files)).containsExactlyElementsOf(range(0, 100));
    for (Path file : files.subList(0, files.size() - 1)) {
      // tcpdump -C semantics: a file is closed once it reached the size, so it exceeds it by
      // less than one record plus the statistics blocks.
      assertThat(Files.size(file)).isBetween(10_000L, 10_000L + 700);
    }
    assertThat(frames.framesInFlight()).isZero();
  }

  @Test
  void rotatesByTimeAndNamesFilesByTheirOpeningTime() {
    FileSinkOptions options =
        FileSinkOptions.defaults(dir, FileFormat.PCAPNG)
            .withRotation(0, TimeUnit.SECONDS.toNanos(1), 0);
    try (FileSinkHarness h = harness(options)) {
      writeFrames(h, s1, 0, 3); // file 1 opened at 16:45:02.000
      clocks.advanceMillis(1_000);
      h.cycle(); // interval over: file 1 closed
      assertThat(h.sink.currentFiles()).isEmpty();
      clocks.advanceMillis(5_000); // no traffic: no empty files
      h.cycle();
      writeFrames(h, s1, 3, 2); // file 2 opened at 16:45:08.003
      h.finish();
    }
    assertThat(filesIn(dir).stream().map(p -> p.getFileName().toString()))
        .containsExactly(
            "tapwire-20261127T164502.000000Z-00001.pcapng",
            "tapwire-20261127T164508.003000Z-00002.pcapng");
    assertThat(sequencesIn(filesIn(dir))).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void ringKeepsTheNewestFilesAndNeverDeletesFilesItDidNotWrite() throws IOException {
    Path foreign = dir.resolve("tapwire-20200101T000000.000000Z-00001.pcapng");
    Files.write(foreign, new byte[] {1, 2, 3});
    Path unrelated = dir.resolve("notes.txt");
    Files.writeString(unrelated, "keep me");
    FileSinkOptions options =
        FileSinkOptions.defaults(dir, FileFormat.PCAPNG).withRotation(5_000, 0, 3);
    try (FileSinkHarness h = harness(options)) {
      writeFrames(h, s1, 0, 60);
      h.finish();
      assertThat(h.sink.counters().filesDeleted())
          .isEqualTo(h.sink.counters().filesOpened() - 3)
          .isPositive();
    }
    List<Path> files = filesIn(dir);
    assertThat(files).contains(foreign, unrelated).hasSize(5);
    List<Path> ring =
        files.stream().filter(p -> !p.equals(foreign) && !p.equals(unrelated)).toList();
    List<Integer> sequences = sequencesIn(ring);
    assertThat(sequences).endsWith(59).isSorted();
    assertThat(Files.readAllBytes(foreign)).containsExactly(1, 2, 3);
  }

  @Test
  void perSourceFilesMakeOneSeriesPerSource() {
    FileSinkOptions options =
        FileSinkOptions.defaults(dir, FileFormat.PCAPNG).withPerSourceFiles(true);
    try (FileSinkHarness h = harness(options)) {
      writeFrames(h, s1, 0, 3);
      writeFrames(h, s2, 100, 2);
      writeFrames(h, s1, 3, 1);
      assertThat(h.sink.currentFiles()).hasSize(2);
      h.finish();
    }
    List<Path> files = filesIn(dir);
    assertThat(files).hasSize(2);
    assertThat(files.get(0).getFileName().toString()).startsWith("tapwire-198.18.1.1-20261127T");
    assertThat(files.get(1).getFileName().toString()).startsWith("tapwire-2001_db8__7-20261127T");
    assertThat(sequencesIn(List.of(files.get(0)))).containsExactly(0, 1, 2, 3);
    assertThat(sequencesIn(List.of(files.get(1)))).containsExactly(100, 101);
    assertThat(Tshark.field(files.get(1), "frame.interface_name")).containsOnly(s2.interfaceName());
  }

  @Test
  void neverOverwritesAnExistingFileAndStartsANewFileOnRestart() throws IOException {
    clocks.epochNs = T0;
    FileNamer namer = new FileNamer(FileFormat.PCAPNG);
    Path taken = dir.resolve(namer.name(null, T0, 1));
    Files.writeString(taken, "someone else's");
    try (FileSinkHarness h = harness(FileSinkOptions.defaults(dir, FileFormat.PCAPNG))) {
      writeFrames(h, s1, 0, 2);
      h.finish();
    }
    // Second run of the sink, same wall-clock reading: a new file again.
    clocks.epochNs = T0;
    try (FileSinkHarness h = harness(FileSinkOptions.defaults(dir, FileFormat.PCAPNG))) {
      writeFrames(h, s1, 2, 2);
      h.finish();
    }
    assertThat(Files.readString(taken)).isEqualTo("someone else's");
    List<Path> files = filesIn(dir);
    assertThat(files).hasSize(3);
    assertThat(sequencesIn(files.stream().filter(p -> !p.equals(taken)).toList()))
        .containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void stagedFramesReachTheFileWithin100MillisecondsOrAtOneMebibyte() throws IOException {
    try (FileSinkHarness h = harness(FileSinkOptions.defaults(dir, FileFormat.PCAPNG))) {
      h.write(frames.frame(s1, SinkTestFrames.ethernet(500, 0), T0));
      Path file = h.sink.currentFiles().getFirst();
      long headerOnly = Files.size(file);
      assertThat(headerOnly).as("section header written at once").isPositive();
      clocks.advanceMillis(99);
      h.cycle();
      assertThat(Files.size(file)).isEqualTo(headerOnly);
      assertThat(h.sink.framesDelivered()).isZero();
      clocks.advanceMillis(1);
      h.cycle();
      assertThat(Files.size(file)).isGreaterThan(headerOnly);
      assertThat(h.sink.framesDelivered()).isEqualTo(1);

      // Without time passing, the staging buffer is written once it holds 1 MiB.
      long before = Files.size(file);
      int perMebibyte = (1 << 20) / (500 + 32) + 1;
      for (int i = 1; i <= perMebibyte; i++) {
        h.write(frames.frame(s1, SinkTestFrames.ethernet(500, i), T0 + i));
      }
      assertThat(Files.size(file)).isGreaterThan(before + (1 << 20) - 600);
      assertThat(CaptureFileContents.read(file).end()).isEqualTo("end_of_input");
      h.finish();
    }
  }

  @Test
  void aVanishedDirectoryIsCountedAndWritingResumesInAFreshFile() throws IOException {
    FileSinkOptions options =
        FileSinkOptions.defaults(dir.resolve("out"), FileFormat.PCAPNG)
            .withFlushing(4096, TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.SECONDS.toNanos(1))
            .withRotation(0, TimeUnit.SECONDS.toNanos(1), 0);
    Path out = options.outputDirectory();
    try (FileSinkHarness h = harness(options)) {
      writeFrames(h, s1, 0, 2);
      clocks.advanceMillis(1_000);
      h.cycle(); // closes the first file
      for (Path p : filesIn(out)) {
        Files.move(p, dir.resolve(p.getFileName()));
      }
      Files.delete(out);
      writeFrames(h, s1, 2, 3); // cannot open a file: counted, not thrown
      assertThat(h.sink.framesDroppedByReason()).containsEntry(FileSinkCounters.WRITE_ERROR, 3L);
      assertThat(h.sink.counters().failingSeries()).isEqualTo(1);
      assertThat(h.sink.healthy()).isTrue();

      Files.createDirectory(out);
      clocks.advanceMillis(1_000);
      h.cycle(); // retry: a fresh file
      assertThat(h.sink.counters().failingSeries()).isZero();
      assertThat(h.sink.counters().recoveries()).isEqualTo(1);
      writeFrames(h, s1, 5, 2);
      h.finish();
      assertThat(h.sink.framesDelivered()).isEqualTo(4);
    }
    assertThat(frames.framesInFlight()).isZero();
    List<Path> resumed = filesIn(out);
    assertThat(resumed).hasSize(1);
    assertThat(sequencesIn(resumed)).containsExactly(5, 6);
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> r = new ArrayList<>();
    for (int i = from; i < to; i++) {
      r.add(i);
    }
    return r;
  }
}

package dev.tapwire.bench;

import dev.tapwire.wire.pcapng.EnhancedPacketBlock;
import dev.tapwire.wire.pcapng.EpbFlags;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writing EPBs (with flags and a drop count, as the collector does) into a staging buffer that is
 * flushed to a file in 1 MiB writes: the file sink's cost per frame, to the page cache. The file is
 * truncated every 256 MiB so the run measures writing, not the VM's dirty-page throttling.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow"})
public class PcapngWriteBenchmark {
  private static final int FLUSH_BYTES = 1 << 20;
  private static final long TRUNCATE_BYTES = 256L << 20;

  @Param({"64", "1514"})
  int frameBytes;

  @Param({"/dev/shm"})
  String directory;

  private ByteBuf frame;
  private ByteBuf staging;
  private FileChannel channel;
  private Path file;
  private long timestampNs = Packets.CAPTURE_TIME_NS;

  /** Bytes written per second, reported next to frames per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Written {
    public long bytes;
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    frame = Packets.innerFrame(frameBytes);
    staging = Unpooled.directBuffer(2 * FLUSH_BYTES);
    file = Files.createTempFile(Path.of(directory), "tapwire-bench-", ".pcapng");
    channel =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    channel.close();
    Files.deleteIfExists(file);
    staging.release();
  }

  @Benchmark
  public int writeEnhancedPacketBlock(Written written) throws IOException {
    int before = staging.writerIndex();
    int block =
        EnhancedPacketBlock.begin(staging, 0, timestampNs++, frame, 0, frameBytes, frameBytes);
    EnhancedPacketBlock.writeFlags(staging, EpbFlags.INBOUND);
    EnhancedPacketBlock.end(staging, block);
    int length = staging.writerIndex() - before;
    written.bytes += length;
    if (staging.readableBytes() >= FLUSH_BYTES) {
      while (staging.isReadable()) {
        staging.readBytes(channel, staging.readableBytes());
      }
      staging.clear();
      if (channel.position() >= TRUNCATE_BYTES) {
        channel.truncate(0);
        channel.position(0);
      }
    }
    return length;
  }
}

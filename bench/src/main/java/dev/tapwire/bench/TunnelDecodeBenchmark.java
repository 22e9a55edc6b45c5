package dev.tapwire.bench;

import dev.tapwire.wire.tunnel.DecodedFrame;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import dev.tapwire.wire.tunnel.Verdict;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Classify + decode of one raw-socket packet (outer IPv4, GRE, ERSPAN) into the reusable {@link
 * DecodedFrame}: the per-packet work of the collector's decode stage. Run with {@code -prof gc} to
 * see that it allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow"})
public class TunnelDecodeBenchmark {
  @Param({"64", "1514"})
  int innerBytes;

  private final TunnelClassifier classifier = new TunnelClassifier();
  private final DecodedFrame frame = new DecodedFrame();
  private ByteBuf erspanTwo;
  private ByteBuf erspanThree;

  @Setup
  public void setUp() {
    erspanTwo = Packets.erspanTwo(innerBytes);
    erspanThree = Packets.erspanThree(innerBytes);
  }

  @Benchmark
  public int erspanTwo() {
    Verdict verdict = classifier.classifyIp(erspanTwo, 0, erspanTwo.writerIndex(), frame);
    return verdict == Verdict.FRAME ? frame.innerOffset() + (int) frame.sequence() : -1;
  }

  @Benchmark
  public long erspanThree() {
    Verdict verdict = classifier.classifyIp(erspanThree, 0, erspanThree.writerIndex(), frame);
    return verdict == Verdict.FRAME ? frame.captureTimeNs() + frame.innerOffset() : -1;
  }
}

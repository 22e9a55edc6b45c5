package dev.tapwire.bench;

import dev.tapwire.wire.tunnel.TunnelEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Writing the GRE + ERSPAN II/III headers the agent puts in front of each captured frame. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow"})
public class TunnelEncodeBenchmark {
  private final ByteBuf out = Unpooled.directBuffer(64);
  private long sequence;
  private long captureTimeNs = Packets.CAPTURE_TIME_NS;

  @Benchmark
  public int erspanTwo() {
    out.clear();
    return TunnelEncoder.writeErspanII(out, sequence++, 101, 0, 0, 0, false, 7);
  }

  @Benchmark
  public int erspanThree() {
    out.clear();
    return TunnelEncoder.writeErspanIII(
        out, sequence++, 101, 0, 0, 0, false, captureTimeNs++, 1, 0, 3);
  }
}

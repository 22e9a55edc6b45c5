package dev.tapwire.bench.latency;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code LatencyReport SOURCE DELIVERED}: prints one JSON line with the capture-to-delivery latency
 * percentiles of the frames in DELIVERED (a capture where frames leave the system under test)
 * against SOURCE (a capture where they entered it), both pcap or pcapng with nanosecond times.
 */
public final class LatencyReport {
  private LatencyReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: LatencyReport SOURCE.pcap DELIVERED.pcap");
      System.exit(2);
    }
    CaptureTimes source = CaptureTimes.read(Path.of(args[0]));
    CaptureTimes delivered = CaptureTimes.read(Path.of(args[1]));
    System.out.println(new LatencyMatcher().match(source, delivered).json());
  }
}

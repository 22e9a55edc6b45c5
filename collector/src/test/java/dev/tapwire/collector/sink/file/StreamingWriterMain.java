package dev.tapwire.collector.sink.file;

import dev.tapwire.collector.frame.Frame;
import dev.tapwire.collector.sink.SinkTestFrames;
import dev.tapwire.collector.stream.StreamDescriptor;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A process that streams frames into a {@link PcapngFileSink}, for {@link FileSinkKillIT}: {@code
 * DIR FIRST_SEQUENCE COUNT} (COUNT 0: until killed). Frame i carries sequence FIRST_SEQUENCE + i.
 * Prints {@code delivered N} after every flush it sees, so that the test knows what reached the
 * file before it kills the process, and {@code closed} after a clean close.
 */
public final class StreamingWriterMain {
  private StreamingWriterMain() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int first = Integer.parseInt(args[1]);
    long count = Long.parseLong(args[2]);
    SinkTestFrames frames = new SinkTestFrames(4096, 1);
    StreamDescriptor stream = SinkTestFrames.stream(1, "198.18.1.1", 101);
    PcapngFileSink sink = new PcapngFileSink(FileSinkOptions.defaults(dir, FileFormat.PCAPNG));
    sink.start();
    long printed = -1;
    long baseTimeNs = 1_795_000_000_000_000_000L;
    for (long i = 0; count == 0 || i < count; i++) {
      int sequence = (int) (first + i);
      Frame frame = frames.frame(stream, SinkTestFrames.ethernet(1000, sequence), baseTimeNs + i);
      while (!sink.offer(frame)) {
        LockSupport.parkNanos(50_000);
      }
      long delivered = sink.framesDelivered();
      if (delivered != printed) {
        System.out.println("delivered " + delivered);
        System.out.flush();
        printed = delivered;
      }
      while (frames.framesInFlight() > 3000) {
        LockSupport.parkNanos(50_000);
      }
    }
    sink.close();
    System.out.println("delivered " + sink.framesDelivered());
    System.out.println("closed");
    System.out.flush();
  }
}

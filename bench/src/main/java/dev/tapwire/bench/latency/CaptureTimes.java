package dev.tapwire.bench.latency;

import dev.tapwire.wire.capture.CaptureFileReader;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The frames of a pcap or pcapng file, in file order, each with its capture time. */
record CaptureTimes(List<ByteBuffer> frames, long[] timestampsNs) {

  static CaptureTimes read(Path file) throws IOException {
    ByteBuf in = Unpooled.wrappedBuffer(Files.readAllBytes(file));
    CaptureFileReader reader = new CaptureFileReader();
    CaptureRecord record = new CaptureRecord();
    List<ByteBuffer> frames = new ArrayList<>();
    long[] times = new long[1024];
    while (true) {
      CaptureReadResult result = reader.next(in, record);
      if (result == CaptureReadResult.RECORD) {
        byte[] data = new byte[record.capturedLength()];
        record.data().getBytes(record.dataOffset(), data);
        if (frames.size() == times.length) {
          times = java.util.Arrays.copyOf(times, times.length * 2);
        }
        times[frames.size()] = record.timestampNs();
        frames.add(ByteBuffer.wrap(data));
      } else if (result == CaptureReadResult.NEED_MORE_DATA) {
        // A capture stopped by a signal may end inside a record: what came before it counts.
        reader.finish(in);
        break;
      } else if (result.isError()) {
        throw new IOException(file + ": " + result);
      }
    }
    return new CaptureTimes(frames, java.util.Arrays.copyOf(times, frames.size()));
  }
}

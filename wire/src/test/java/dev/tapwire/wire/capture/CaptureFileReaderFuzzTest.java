package dev.tapwire.wire.capture;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Fuzzes both readers through the facade: no input may make them throw or stop making progress. A
 * plain test run replays the committed seeds in {@code CaptureFileReaderFuzzTestInputs/}; set
 * {@code JAZZER_FUZZ=1} to fuzz.
 */
class CaptureFileReaderFuzzTest {
  @FuzzTest
  void anyBytes(byte[] data) {
    CaptureFileReader reader = new CaptureFileReader();
    ByteBuf in = Unpooled.wrappedBuffer(data);
    CaptureRecord record = new CaptureRecord();
    // Every non-fatal result consumes at least one block, so this bound is never reached.
    for (int calls = 0; calls <= data.length + 1; calls++) {
      CaptureReadResult result = reader.next(in, record);
      if (result == CaptureReadResult.RECORD
          && record.dataOffset() + record.capturedLength() > in.writerIndex()) {
        throw new AssertionError("record data past the buffer");
      }
      if (result == CaptureReadResult.NEED_MORE_DATA || result.isFatal()) {
        CaptureReadResult end = reader.finish(in);
        if (end != CaptureReadResult.END_OF_INPUT && !end.isFatal()) {
          throw new AssertionError("finish returned " + end);
        }
        return;
      }
    }
    throw new AssertionError("reader made no progress");
  }
}

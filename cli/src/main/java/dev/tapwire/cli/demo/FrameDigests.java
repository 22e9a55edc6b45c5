package dev.tapwire.cli.demo;

import dev.tapwire.wire.capture.CaptureFileReader;
import dev.tapwire.wire.capture.CaptureFormat;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import dev.tapwire.wire.pcapng.InterfaceDescription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The sha256 of every frame of a pcap or pcapng file, in file order, with the pcapng interface name
 * of each frame (empty for pcap). Frames are hashed as captured (captured bytes only).
 */
public final class FrameDigests {
  private static final int CHUNK_BYTES = 1 << 20;

  /** One frame: its digest and the name of the interface it was recorded on. */
  public record Frame(String sha256, String interfaceName) {}

  private FrameDigests() {}

  /** Reads {@code file}; fails with a message naming the file if it is not a readable capture. */
  public static List<Frame> read(Path file) throws IOException {
    List<Frame> frames = new ArrayList<>();
    MessageDigest sha256 = sha256();
    CaptureFileReader reader = new CaptureFileReader();
    CaptureRecord record = new CaptureRecord();
    ByteBuf buffer = Unpooled.buffer(4 * CHUNK_BYTES);
    byte[] bytes = new byte[64 * 1024];
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      boolean end = false;
      while (true) {
        CaptureReadResult result = end ? reader.finish(buffer) : reader.next(buffer, record);
        if (result == CaptureReadResult.NEED_MORE_DATA) {
          buffer.discardReadBytes();
          buffer.ensureWritable(CHUNK_BYTES);
          end = buffer.writeBytes(channel, CHUNK_BYTES) < 0;
          continue;
        }
        if (result == CaptureReadResult.END_OF_INPUT) {
          return frames;
        }
        if (result.isFatal()) {
          throw new IOException(file + ": not a readable capture (" + result.label() + ")");
        }
        if (result != CaptureReadResult.RECORD) {
          continue;
        }
        int length = record.capturedLength();
        if (bytes.length < length) {
          bytes = new byte[length];
        }
        record.data().getBytes(record.dataOffset(), bytes, 0, length);
        sha256.update(bytes, 0, length);
        frames.add(
            new Frame(HexFormat.of().formatHex(sha256.digest()), interfaceName(reader, record)));
      }
    } finally {
      buffer.release();
    }
  }

  private static String interfaceName(CaptureFileReader reader, CaptureRecord record) {
    if (reader.format() != CaptureFormat.PCAPNG) {
      return "";
    }
    InterfaceDescription idb = reader.pcapngReader().interfaceDescription(record.interfaceId());
    return idb == null || idb.name() == null ? "" : idb.name();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}

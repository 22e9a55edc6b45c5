package dev.tapwire.collector.sink.file;

import dev.tapwire.wire.pcap.PcapFormat;
import dev.tapwire.wire.pcapng.PcapngBlockType;
import dev.tapwire.wire.pcapng.SectionHeaderBlock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Cuts a torn last block off the newest file of a series left by an earlier run.
 *
 * <p>The sink only ever writes whole blocks, but Linux copies a large {@code write} into the page
 * cache page by page and stops between two pages when the process gets SIGKILL: a {@code kill -9}
 * during a write can leave the first part of the last block in the file, which readers report as
 * "cut short in the middle of a packet". At startup the sink looks at the newest file of each
 * series it starts; if no live writer holds its lock (the kernel drops the lock of a dead process)
 * and the file ends inside a block, the partial block is removed. Nothing else in the file changes,
 * and a file that does not parse as Tapwire's own little-endian output is left alone.
 */
final class TornTailRepair {
  private static final int CHUNK_BYTES = 1 << 20;
  private static final int PCAPNG_MIN_BLOCK = 12;
  private static final int MAX_PCAP_RECORD = 16 + PcapEncoder.SNAP_LEN_BYTES;

  private TornTailRepair() {}

  /**
   * Repairs the newest file of series {@code sourceLabel} in {@code directory}; returns the file
   * repaired, if any.
   */
  static Optional<Path> repairNewest(
      Path directory, FileNamer namer, String sourceLabel, FileFormat format) throws IOException {
    Optional<Path> newest;
    try (Stream<Path> files = Files.list(directory)) {
      newest =
          files
              .filter(p -> namer.isSeriesFile(p.getFileName().toString(), sourceLabel))
              .filter(Files::isRegularFile)
              .max(Comparator.comparing(p -> p.getFileName().toString()));
    }
    if (newest.isEmpty()) {
      return Optional.empty();
    }
    try (FileChannel channel =
        FileChannel.open(newest.get(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock = CaptureFile.tryLockExisting(channel);
      if (lock == null) {
        return Optional.empty();
      }
      try {
        long size = channel.size();
        long complete = completeLength(channel, format);
        if (complete >= 0 && complete < size) {
          channel.truncate(complete);
          return newest;
        }
        return Optional.empty();
      } finally {
        lock.release();
      }
    }
  }

  /**
   * The length of the file's prefix made of complete blocks (records), or -1 when the file does not
   * start with a complete header of the kind this sink writes (then it must not be touched).
   */
  static long completeLength(FileChannel channel, FileFormat format) throws IOException {
    return format == FileFormat.PCAPNG ? completePcapng(channel) : completePcap(channel);
  }

  private static long completePcapng(FileChannel channel) throws IOException {
    long size = channel.size();
    ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    if (readFully(channel, head, 0) < 12
        || head.getInt(0) != PcapngBlockType.SECTION_HEADER
        || head.getInt(8) != SectionHeaderBlock.BYTE_ORDER_MAGIC) {
      return -1;
    }
    if (lastBlockLooksComplete(channel, size)) {
      return size;
    }
    BlockWalker walker = new BlockWalker(channel);
    long pos = 0;
    while (pos < size) {
      if (size - pos < 8) {
        return pos;
      }
      long length = walker.intAt(pos + 4) & 0xFFFF_FFFFL;
      if (length < PCAPNG_MIN_BLOCK || (length & 3) != 0) {
        return -1;
      }
      if (pos + length > size) {
        return pos;
      }
      pos += length;
    }
    return pos;
  }

  /** Cheap check from the end: the trailing length points back at a block of that length. */
  private static boolean lastBlockLooksComplete(FileChannel channel, long size) throws IOException {
    if (size < PCAPNG_MIN_BLOCK || (size & 3) != 0) {
      return false;
    }
    ByteBuffer four = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    readFully(channel, four, size - 4);
    long length = four.getInt(0) & 0xFFFF_FFFFL;
    if (length < PCAPNG_MIN_BLOCK || (length & 3) != 0 || length > size) {
      return false;
    }
    four.clear();
    readFully(channel, four, size - length + 4);
    return (four.getInt(0) & 0xFFFF_FFFFL) == length;
  }

  private static long completePcap(FileChannel channel) throws IOException {
    long size = channel.size();
    ByteBuffer head = ByteBuffer.allocate(PcapFormat.FILE_HEADER_LENGTH);
    head.order(ByteOrder.LITTLE_ENDIAN);
    if (readFully(channel, head, 0) < PcapFormat.FILE_HEADER_LENGTH
        || head.getInt(0) != PcapFormat.MAGIC_NANOS) {
      return -1;
    }
    BlockWalker walker = new BlockWalker(channel);
    long pos = PcapFormat.FILE_HEADER_LENGTH;
    while (pos < size) {
      if (size - pos < PcapFormat.RECORD_HEADER_LENGTH) {
        return pos;
      }
      long length =
          PcapFormat.RECORD_HEADER_LENGTH
              + (walker.intAt(pos + PcapFormat.CAPTURED_LENGTH_OFFSET) & 0xFFFF_FFFFL);
      if (length > MAX_PCAP_RECORD) {
        return -1;
      }
      if (pos + length > size) {
        return pos;
      }
      pos += length;
    }
    return pos;
  }

  private static int readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    int total = 0;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  /** Reads 32-bit little-endian values at increasing offsets through a 1 MiB window. */
  private static final class BlockWalker {
    private final FileChannel channel;
    private final ByteBuffer window =
        ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long windowStart = -1;
    private int windowLength;

    BlockWalker(FileChannel channel) {
      this.channel = channel;
    }

    int intAt(long offset) throws IOException {
      if (windowStart < 0 || offset < windowStart || offset + 4 > windowStart + windowLength) {
        window.clear();
        windowLength = readFully(channel, window, offset);
        windowStart = offset;
        if (windowLength < 4) {
          throw new IOException("file shrank while being read");
        }
      }
      return window.getInt((int) (offset - windowStart));
    }
  }
}

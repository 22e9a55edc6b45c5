package dev.tapwire.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Capinfos;
import dev.tapwire.testkit.Tshark;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Capture files a collector wrote: listing, hashing, an independent block walk, tool checks. */
final class CaptureFiles {
  private CaptureFiles() {}

  /** The pcapng files in {@code dir}, sorted by name (the collector's names sort by time). */
  static List<Path> pcapng(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".pcapng")).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError("cannot list " + dir, e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The length of the prefix of {@code file} made of complete pcapng blocks (leading and trailing
   * lengths agree), and the number of Enhanced Packet Blocks in it.
   */
  record Blocks(long completeBytes, long packets) {
    static Blocks walk(byte[] file) {
      ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
      long packets = 0;
      int pos = 0;
      while (pos + 12 <= file.length) {
        int type = b.getInt(pos);
        int length = b.getInt(pos + 4);
        if (length < 12 || pos + length > file.length || b.getInt(pos + length - 4) != length) {
          break;
        }
        if (type == 6) {
          packets++;
        }
        pos += length;
      }
      return new Blocks(pos, packets);
    }
  }

  /**
   * Checks that capinfos and tshark read {@code file} to its end without a complaint and agree on
   * its number of frames; returns it.
   */
  static long checkReadable(Path file) {
    long capinfos = Capinfos.packetCount(file);
    Capinfos.report(file); // fails on a non-zero exit or anything on standard error
    assertThat((long) Tshark.field(file, "frame.number").size())
        .as("frames tshark reads in %s", file)
        .isEqualTo(capinfos);
    return capinfos;
  }
}

package dev.tapwire.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frame digests of hand-built pcap and pcapng files (built from the layouts, not the writers). */
class FrameDigestsTest {
  private static final byte[] ARP = frame(42, 0x0806);
  private static final byte[] LARGE = frame(1514, 0x0800);

  @TempDir Path dir;

  @Test
  void pcapFramesInOrderWithoutInterfaceNames() throws IOException {
    Path file = dir.resolve("a.pcap");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(
        le(24)
            .putInt(0xA1B23C4D)
            .putShort((short) 2)
            .putShort((short) 4)
            .putInt(0)
            .putInt(0)
            .putInt(262_144)
            .putInt(1)
            .array());
    for (byte[] f : List.of(ARP, LARGE, ARP)) {
      out.write(le(16).putInt(1_700_000_000).putInt(5).putInt(f.length).putInt(f.length).array());
      out.write(f);
    }
    Files.write(file, out.toByteArray());

    List<FrameDigests.Frame> frames = FrameDigests.read(file);
    assertThat(frames)
        .containsExactly(
            new FrameDigests.Frame(sha256(ARP), ""),
            new FrameDigests.Frame(sha256(LARGE), ""),
            new FrameDigests.Frame(sha256(ARP), ""));
  }

  @Test
  void pcapngFramesCarryTheirInterfaceName() throws IOException {
    Path file = dir.resolve("a.pcapng");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(
        block(
            0x0A0D0D0A,
            le(16).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).array()));
    out.write(idb("198.18.11.1/erspan_iii-1"));
    out.write(idb("198.18.12.1/erspan_iii-1"));
    out.write(epb(1, LARGE));
    out.write(epb(0, ARP));
    Files.write(file, out.toByteArray());

    assertThat(FrameDigests.read(file))
        .containsExactly(
            new FrameDigests.Frame(sha256(LARGE), "198.18.12.1/erspan_iii-1"),
            new FrameDigests.Frame(sha256(ARP), "198.18.11.1/erspan_iii-1"));
  }

  @Test
  void notACaptureIsAnErrorNamingTheFile() throws IOException {
    Path file = Files.write(dir.resolve("junk.pcap"), new byte[64]);
    assertThatThrownBy(() -> FrameDigests.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("junk.pcap");
  }

  private static byte[] frame(int length, int etherType) {
    byte[] f = new byte[length];
    for (int i = 0; i < length; i++) {
      f[i] = (byte) (i * 7 + length);
    }
    f[12] = (byte) (etherType >> 8);
    f[13] = (byte) etherType;
    return f;
  }

  private static byte[] idb(String name) {
    byte[] text = name.getBytes(StandardCharsets.UTF_8);
    int padded = (text.length + 3) & ~3;
    ByteBuffer body = le(8 + 4 + padded + 4 + 4 + 4);
    body.putShort((short) 1).putShort((short) 0).putInt(262_144);
    body.putShort((short) 2).putShort((short) text.length).put(text).position(12 + padded);
    body.putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3]); // if_tsresol
    body.putShort((short) 0).putShort((short) 0);
    return block(1, body.array());
  }

  private static byte[] epb(int interfaceId, byte[] frame) {
    int padded = (frame.length + 3) & ~3;
    ByteBuffer body = le(20 + padded);
    body.putInt(interfaceId).putInt(0).putInt(0).putInt(frame.length).putInt(frame.length);
    body.put(frame);
    return block(6, body.array());
  }

  private static byte[] block(int type, byte[] body) {
    int length = 12 + body.length;
    return le(length).putInt(type).putInt(length).put(body).putInt(length).array();
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(FrameDigests.sha256().digest(bytes));
  }
}

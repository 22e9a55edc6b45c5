package dev.tapwire.cli.decap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds small classic pcap files of ERSPAN II traffic byte by byte from the spec layouts, without
 * the project's encoders, so that decapsulation is checked against an independent construction.
 */
final class SyntheticCaptures {
  private SyntheticCaptures() {}

  /** An ERSPAN II packet as seen on Ethernet: MACs, IPv4, GRE with S, ERSPAN II, inner frame. */
  static byte[] erspanTwo(int sourceLastOctet, int sessionId, long sequence, byte[] inner) {
    ByteBuffer packet = ByteBuffer.allocate(14 + 20 + 8 + 8 + inner.length);
    packet.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
    int ipLength = 20 + 8 + 8 + inner.length;
    packet.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) 1);
    packet.putShort((short) 0x4000).put((byte) 64).put((byte) 47).putShort((short) 0);
    packet.put(new byte[] {(byte) 198, 18, 0, (byte) sourceLastOctet});
    packet.put(new byte[] {(byte) 198, 18, 0, 100});
    packet.putShort((short) 0x1000).putShort((short) 0x88BE).putInt((int) sequence);
    packet.putInt((1 << 28) | (sessionId & 0x3FF)).putInt(7);
    packet.put(inner);
    return packet.array();
  }

  /** A 60-byte Ethernet frame whose payload carries {@code marker}. */
  static byte[] innerFrame(int marker) {
    ByteBuffer frame = ByteBuffer.allocate(60);
    frame.put(new byte[] {0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0x66, 0x77, (byte) 0x88, 0, 1});
    frame.putShort((short) 0x88B5).putInt(marker);
    return frame.array();
  }

  /** Writes a little-endian microsecond pcap, link type Ethernet, one record per packet. */
  static Path writePcap(Path file, List<byte[]> packets) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
    header.putInt(65_535).putInt(1);
    out.write(header.array());
    int second = 1_700_000_000;
    for (int i = 0; i < packets.size(); i++) {
      byte[] packet = packets.get(i);
      ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      record.putInt(second).putInt(i).putInt(packet.length).putInt(packet.length);
      out.write(record.array());
      out.write(packet);
    }
    Files.write(file, out.toByteArray());
    return file;
  }
}

package dev.tapwire.collector.testing;

import dev.tapwire.netio.ErrnoException;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.netio.PacketSocket;
import dev.tapwire.netio.SendBatch;
import java.io.IOException;
import java.util.HexFormat;

/**
 * Writes whole Ethernet frames on a link from inside a namespace (AF_PACKET): for outer IP headers
 * no socket API would build, and for spoofed source addresses.
 */
public final class FrameInjector implements AutoCloseable {
  private static final int BATCH = 64;

  private final PacketSocket socket;
  private final SendBatch batch = new SendBatch(BATCH, 9_000);
  private final byte[] header = new byte[14];

  /**
   * @param namespace where the link end is
   * @param interfaceName the link end to send on
   * @param sourceMac and {@code destinationMac} as {@code aa:bb:cc:dd:ee:ff}
   */
  public FrameInjector(
      String namespace, String interfaceName, String sourceMac, String destinationMac)
      throws Exception {
    socket = NetworkNamespace.runIn(namespace, () -> PacketSocket.openTransmitOnly(interfaceName));
    System.arraycopy(mac(destinationMac), 0, header, 0, 6);
    System.arraycopy(mac(sourceMac), 0, header, 6, 6);
  }

  /** Sends {@code ip} (an IPv4 packet, or IPv6 when its version nibble is 6) in one frame. */
  public void sendIp(byte[] ip) throws IOException {
    add(ip);
    flush();
  }

  /** Sends many IP packets, batched. */
  public void sendAll(Iterable<byte[]> packets) throws IOException {
    for (byte[] ip : packets) {
      add(ip);
      if (batch.isFull()) {
        flush();
      }
    }
    flush();
  }

  private void add(byte[] ip) {
    int etherType = (ip[0] & 0xF0) == 0x60 ? 0x86DD : 0x0800;
    header[12] = (byte) (etherType >>> 8);
    header[13] = (byte) etherType;
    byte[] frame = new byte[14 + ip.length];
    System.arraycopy(header, 0, frame, 0, 14);
    System.arraycopy(ip, 0, frame, 14, ip.length);
    batch.add(frame, 0, frame.length, null);
  }

  private void flush() throws IOException {
    int size = batch.size();
    int sent = 0;
    while (sent < size) {
      int n = socket.send(batch);
      if (n <= 0) {
        throw new IOException("frame not sent, errno " + batch.lastErrno());
      }
      sent += n;
      if (sent < size) {
        throw new IOException("partial batch: " + sent + " of " + size + " frames sent");
      }
    }
    batch.clear();
  }

  private static byte[] mac(String text) {
    return HexFormat.ofDelimiter(":").parseHex(text);
  }

  @Override
  public void close() throws ErrnoException {
    try {
      socket.close();
    } finally {
      batch.close();
    }
  }
}

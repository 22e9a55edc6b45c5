package dev.tapwire.netio;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sendmmsg/recvmmsg plumbing (mmsghdr arrays, iovecs, address slots, partial batches, errors
 * counted per packet) exercised over UDP on loopback, which needs no privileges.
 */
class BatchIoTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void batchesRoundTripInOrderWithSourceAndTruncation() throws Exception {
    try (Udp rx = udpBoundToFreePort();
        SocketFd tx = SocketFd.open(Libc.AF_INET, Libc.SOCK_DGRAM, 0, "udp tx");
        SendBatch send = new SendBatch(16, 300);
        RecvBatch recv = new RecvBatch(4, 200)) {
      SockAddr dst = SockAddr.of(LOOPBACK, rx.port());
      List<byte[]> sent = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        byte[] p = new byte[20 + i * 29]; // the last one (281 bytes) exceeds a 200-byte slot
        Arrays.fill(p, (byte) i);
        sent.add(p);
        send.add(p, 0, p.length, dst);
      }

      assertThat(BatchIo.send(tx, send)).isEqualTo(10);
      assertThat(send.sent()).isEqualTo(10);
      assertThat(send.failed()).isZero();

      List<byte[]> got = new ArrayList<>();
      List<Boolean> truncated = new ArrayList<>();
      byte[] src = new byte[16];
      ErrorReports errors = new ErrorReports();
      while (got.size() < 10) {
        int n = BatchIo.receive(rx.fd(), recv, errors, false);
        assertThat(n).isBetween(1, 4);
        for (int i = 0; i < n; i++) {
          byte[] b = new byte[recv.length(i)];
          recv.copy(i, 0, b, 0);
          got.add(b);
          truncated.add(recv.truncated(i));
          assertThat(recv.sourceFamily(i)).isEqualTo(IpFamily.IPV4);
          assertThat(recv.sourceAddress(i, src)).isEqualTo(4);
          assertThat(Arrays.copyOf(src, 4)).isEqualTo(LOOPBACK.getAddress());
        }
      }
      for (int i = 0; i < 10; i++) {
        byte[] expected = sent.get(i).length > 200 ? Arrays.copyOf(sent.get(i), 200) : sent.get(i);
        assertThat(got.get(i)).as("datagram %d", i).isEqualTo(expected);
        assertThat(truncated.get(i)).isEqualTo(sent.get(i).length > 200);
      }
      assertThat(errors.reports()).isZero();
    }
  }

  @Test
  void receiveTimesOutWithZero() throws Exception {
    try (Udp rx = udpBoundToFreePort();
        RecvBatch recv = new RecvBatch(2, 64)) {
      rx.fd().setTimeval(Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, Duration.ofMillis(20), "SO_RCVTIMEO");

      assertThat(BatchIo.receive(rx.fd(), recv, new ErrorReports(), false)).isZero();
      assertThat(recv.count()).isZero();
      assertThat(rx.fd().pollReadable(0)).isFalse();
    }
  }

  @Test
  void aRefusedPacketIsSkippedAndCountedAndTheRestAreSent() throws Exception {
    try (Udp rx = udpBoundToFreePort();
        SocketFd tx = SocketFd.open(Libc.AF_INET, Libc.SOCK_DGRAM, 0, "udp tx");
        SendBatch send = new SendBatch(4, 64);
        RecvBatch recv = new RecvBatch(4, 64)) {
      SockAddr good = SockAddr.of(LOOPBACK, rx.port());
      SockAddr wrongFamily = SockAddr.of(InetAddress.getByName("::1"), rx.port());
      send.add(new byte[] {1}, 0, 1, good);
      send.add(new byte[] {2}, 0, 1, wrongFamily);
      send.add(new byte[] {3}, 0, 1, good);

      assertThat(BatchIo.send(tx, send)).isEqualTo(2);
      assertThat(send.failed()).isEqualTo(1);
      assertThat(send.lastErrno()).isEqualTo(Errno.EAFNOSUPPORT);
      assertThat(send.failedIndex(0)).as("which packet was refused").isEqualTo(1);
      assertThat(send.failedErrno(0)).isEqualTo(Errno.EAFNOSUPPORT);

      int n = 0;
      byte[] firstBytes = new byte[2];
      while (n < 2) {
        int got = BatchIo.receive(rx.fd(), recv, new ErrorReports(), false);
        for (int i = 0; i < got; i++) {
          firstBytes[n++] = (byte) recv.unsignedByte(i, 0);
        }
      }
      assertThat(firstBytes).containsExactly(1, 3);
    }
  }

  /** A UDP socket bound to 127.0.0.1 and a free port. */
  private record Udp(SocketFd fd, int port) implements AutoCloseable {
    @Override
    public void close() throws ErrnoException {
      fd.close();
    }
  }

  private static Udp udpBoundToFreePort() throws Exception {
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, LOOPBACK)) {
      port = probe.getLocalPort();
    }
    SocketFd fd = SocketFd.open(Libc.AF_INET, Libc.SOCK_DGRAM, 0, "udp rx");
    SockAddr local = SockAddr.of(LOOPBACK, port);
    local.copyTo(fd.scratch(), 0);
    fd.bind(fd.scratch(), local.length(), "127.0.0.1:" + port);
    fd.setTimeval(Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, Duration.ofSeconds(5), "SO_RCVTIMEO");
    return new Udp(fd, port);
  }
}

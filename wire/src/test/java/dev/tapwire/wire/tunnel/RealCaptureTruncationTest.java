package dev.tapwire.wire.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.tunnel.testing.ClassifiedCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every real packet, cut at every byte: classification never throws, never reads outside the given
 * range (the buffer ends where the range ends, so such a read would throw), never reports a frame
 * that runs outside the input, never reports a frame before the whole outer IP packet is there, and
 * gives the full packet's result as soon as it is (the result depends on the IP length, not on the
 * buffer length).
 */
class RealCaptureTruncationTest {
  private static final int OFFSET = 5;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tcpdump/erspan-type-i-3.pcap",
        "tcpdump/erspan-type-i-4.pcap",
        "tcpdump/erspan-type-ii-1.pcap",
        "tcpdump/erspan-type-ii-2.pcap",
        "tcpdump/erspan-type-ii-3.pcap",
        "tcpdump/erspan-type-iii-ft-0.pcap",
        "tcpdump/erspan-type-iii-ft-7.pcap",
        "tcpdump/vxlan.pcap",
        "tcpdump/pptp.pcap",
        "tcpdump/tcp-handshake-nano.pcap",
        "zeek/erspan.pcap",
        "zeek/erspanI.pcap",
        "zeek/erspanIII.pcap",
        "zeek/gre-erspan3-dot1q.pcap",
        "zeek/gre-over-udp-4754.pcap"
      })
  void everyPrefixOfEveryPacket(String capture) {
    TunnelClassifier classifier = new TunnelClassifier();
    ClassifiedCapture classified = ClassifiedCapture.of(capture);
    int linkType = classified.file().linkType();
    DecodedFrame out = new DecodedFrame();
    long checked = 0;
    for (ClassifiedCapture.Packet packet : classified.packets()) {
      byte[] data = packet.record().data();
      DecodedFrame full = packet.frame();
      int ipStart = full.outerIpOffset();
      int ipEnd = full.outerIpTotalLength() >= 0 ? ipStart + full.outerIpTotalLength() : -1;
      for (int length = 0; length <= data.length; length++) {
        byte[] backing = new byte[OFFSET + length];
        System.arraycopy(data, 0, backing, OFFSET, length);
        ByteBuf buf = Unpooled.wrappedBuffer(backing);
        String where = capture + " #" + packet.number() + " cut at " + length;

        Verdict verdict = classifier.classifyLinkLayer(linkType, buf, OFFSET, length, out);
        assertThat(verdict).as(where).isEqualTo(out.verdict()).isEqualTo(out.reason().verdict());
        checkView(where, out, OFFSET, length);
        if (ipEnd >= 0 && length < ipEnd) {
          assertThat(verdict).as(where).isNotEqualTo(Verdict.FRAME);
        }
        if (ipEnd >= 0 && length >= ipEnd) {
          assertThat(out.reason()).as(where).isEqualTo(full.reason());
          assertThat(out.innerOffset())
              .as(where)
              .isEqualTo(full.innerOffset() < 0 ? -1 : full.innerOffset() + OFFSET);
          assertThat(out.innerLength()).as(where).isEqualTo(full.innerLength());
        }
        checked++;

        // the same prefix from the outer IP header on
        if (ipStart >= 0 && length >= ipStart) {
          classifier.classifyIp(buf, OFFSET + ipStart, length - ipStart, out);
          checkView(where + " (IP)", out, OFFSET + ipStart, length - ipStart);
          if (length >= ipEnd) {
            assertThat(out.reason()).as(where).isEqualTo(full.reason());
          }
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(classified.packets().size());
  }

  private static void checkView(String where, DecodedFrame out, int offset, int length) {
    if (out.verdict() == Verdict.FRAME) {
      assertThat(out.innerOffset()).as(where).isGreaterThanOrEqualTo(offset);
      assertThat(out.innerLength()).as(where).isPositive();
      assertThat((long) out.innerOffset() + out.innerLength())
          .as(where)
          .isLessThanOrEqualTo(offset + length);
    } else {
      assertThat(out.innerOffset()).as(where).isEqualTo(-1);
    }
  }
}

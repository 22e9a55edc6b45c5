package dev.tapwire.wire.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Fuzzes every classifier entry point. Without {@code JAZZER_FUZZ} this runs in regression mode
 * over the committed seeds in {@code TunnelClassifierFuzzTestInputs/<method>/} (real packets from
 * {@code shared/testdata/real}) plus the empty input; with {@code JAZZER_FUZZ=1} it fuzzes.
 *
 * <p>Input layout per method: {@code classifyIp} and {@code classifyGre} take the bytes as they
 * are; {@code classifyLinkLayer} takes one selector byte (index into {@link #LINK_TYPES}) then the
 * record; {@code classifyUdpPayload} takes the 2-byte destination port then the UDP payload.
 *
 * <p>Invariants: nothing throws; the verdict and the reason agree; a frame lies inside the input
 * range and is at least as long as its header; any other verdict has no frame; classifying twice
 * gives the same result. The packet is placed at offset 3 of a buffer that ends with it, so a read
 * outside the range would throw.
 */
class TunnelClassifierFuzzTest {
  private static final int[] LINK_TYPES = {
    TunnelClassifier.LINKTYPE_ETHERNET,
    TunnelClassifier.LINKTYPE_LINUX_SLL,
    TunnelClassifier.LINKTYPE_LINUX_SLL2,
    TunnelClassifier.LINKTYPE_RAW,
    TunnelClassifier.LINKTYPE_IPV4,
    TunnelClassifier.LINKTYPE_IPV6,
    TunnelClassifier.LINKTYPE_NULL,
    TunnelClassifier.LINKTYPE_LOOP,
    105 // unsupported
  };
  private static final int OFFSET = 3;

  private final TunnelClassifier classifier = new TunnelClassifier();
  private final DecodedFrame out = new DecodedFrame();
  private final DecodedFrame again = new DecodedFrame();

  @FuzzTest
  void classifyIp(byte[] data) {
    ByteBuf buf = at(data, 0);
    check(classifier.classifyIp(buf, OFFSET, data.length, out), data.length);
    classifier.classifyIp(buf, OFFSET, data.length, again);
    same();
  }

  @FuzzTest
  void classifyGre(byte[] data) {
    ByteBuf buf = at(data, 0);
    out.reset();
    check(classifier.classifyGre(buf, OFFSET, data.length, out), data.length);
    again.reset();
    classifier.classifyGre(buf, OFFSET, data.length, again);
    same();
  }

  @FuzzTest
  void classifyLinkLayer(byte[] data) {
    if (data.length < 1) {
      return;
    }
    int linkType = LINK_TYPES[(data[0] & 0xFF) % LINK_TYPES.length];
    ByteBuf buf = at(data, 1);
    int length = data.length - 1;
    check(classifier.classifyLinkLayer(linkType, buf, OFFSET, length, out), length);
    classifier.classifyLinkLayer(linkType, buf, OFFSET, length, again);
    same();
  }

  @FuzzTest
  void classifyUdpPayload(byte[] data) {
    if (data.length < 2) {
      return;
    }
    int port = (data[0] & 0xFF) << 8 | (data[1] & 0xFF);
    ByteBuf buf = at(data, 2);
    int length = data.length - 2;
    out.reset();
    check(classifier.classifyUdpPayload(buf, OFFSET, length, port, out), length);
    again.reset();
    classifier.classifyUdpPayload(buf, OFFSET, length, port, again);
    same();
  }

  /** {@code data[skip..]} at offset {@link #OFFSET} of a buffer that ends with it. */
  private static ByteBuf at(byte[] data, int skip) {
    byte[] backing = new byte[OFFSET + data.length - skip];
    System.arraycopy(data, skip, backing, OFFSET, data.length - skip);
    return Unpooled.wrappedBuffer(backing);
  }

  private void check(Verdict verdict, int length) {
    assertThat(verdict).isNotNull().isEqualTo(out.verdict());
    assertThat(out.reason()).isNotNull();
    assertThat(out.reason().verdict()).isEqualTo(verdict);
    if (verdict == Verdict.FRAME) {
      assertThat(out.innerOffset()).isGreaterThanOrEqualTo(OFFSET);
      assertThat(out.innerLength()).isPositive();
      assertThat((long) out.innerOffset() + out.innerLength()).isLessThanOrEqualTo(OFFSET + length);
      assertThat(out.encapsulation()).isNotNull();
      assertThat(out.carrier()).isNotNull();
      int minimum =
          switch (out.innerProtocol()) {
            case ETHERNET -> 14;
            case IPV4 -> 20;
            case IPV6 -> 40;
          };
      assertThat(out.innerLength()).isGreaterThanOrEqualTo(minimum);
    } else {
      assertThat(out.innerOffset()).isEqualTo(-1);
      assertThat(out.innerLength()).isZero();
    }
  }

  private void same() {
    assertThat(again.verdict()).isEqualTo(out.verdict());
    assertThat(again.reason()).isEqualTo(out.reason());
    assertThat(again.innerOffset()).isEqualTo(out.innerOffset());
    assertThat(again.innerLength()).isEqualTo(out.innerLength());
    assertThat(again.streamKeyHash()).isEqualTo(out.streamKeyHash());
  }
}

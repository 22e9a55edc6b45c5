package dev.tapwire.collector.decode;

import dev.tapwire.wire.tunnel.DecodedFrame;
import java.util.Arrays;

/**
 * The identity of a stream or of a source, copied out of a {@link DecodedFrame} once when the entry
 * is created and compared field by field on every lookup. A source key is a stream key without the
 * stream id and inner link type.
 */
final class StreamKey {
  int carrier;
  int encapsulation;
  long streamId;
  int innerLinkType;
  int addressLength;
  final byte[] source = new byte[16];
  final byte[] destination = new byte[16];

  void copyFrom(DecodedFrame d, boolean withStream) {
    carrier = d.carrier().ordinal();
    encapsulation = d.encapsulation().ordinal();
    streamId = withStream ? d.streamId() : 0;
    innerLinkType = withStream ? d.innerProtocol().linkType() : 0;
    addressLength = d.addressLength();
    System.arraycopy(d.outerSourceAddress(), 0, source, 0, 16);
    System.arraycopy(d.outerDestinationAddress(), 0, destination, 0, 16);
  }

  boolean matches(DecodedFrame d, boolean withStream) {
    return carrier == d.carrier().ordinal()
        && encapsulation == d.encapsulation().ordinal()
        && addressLength == d.addressLength()
        && (!withStream
            || (streamId == d.streamId() && innerLinkType == d.innerProtocol().linkType()))
        && Arrays.equals(source, 0, addressLength, d.outerSourceAddress(), 0, addressLength)
        && Arrays.equals(
            destination, 0, addressLength, d.outerDestinationAddress(), 0, addressLength);
  }

  /** The stream key hash: the codec's hash of the tunnel key, plus the inner link type. */
  static long streamHash(DecodedFrame d) {
    return mix(d.streamKeyHash(), d.innerProtocol().linkType());
  }

  /** The source key hash: carrier, encapsulation and the outer addresses. */
  static long sourceHash(DecodedFrame d) {
    long h = mix(0x51_7C_C1_B7_27_22_0A_95L, d.carrier().ordinal());
    h = mix(h, d.encapsulation().ordinal());
    byte[] s = d.outerSourceAddress();
    byte[] t = d.outerDestinationAddress();
    for (int i = 0; i < d.addressLength(); i += 4) {
      h = mix(h, ((long) intAt(s, i) << 32) | (intAt(t, i) & 0xFFFF_FFFFL));
    }
    return h;
  }

  private static int intAt(byte[] a, int i) {
    return (a[i] & 0xFF) << 24
        | (a[i + 1] & 0xFF) << 16
        | (a[i + 2] & 0xFF) << 8
        | (a[i + 3] & 0xFF);
  }

  private static long mix(long h, long v) {
    long x = (h ^ v) * 0xBF58_476D_1CE4_E5B9L;
    x ^= x >>> 31;
    x *= 0x94D0_49BB_1331_11EBL;
    return x ^ (x >>> 29);
  }
}

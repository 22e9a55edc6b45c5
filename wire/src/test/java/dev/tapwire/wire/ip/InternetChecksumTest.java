package dev.tapwire.wire.ip;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {
  private static ByteBuf hex(String hex) {
    return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", "")));
  }

  /** Straight RFC 1071 definition, 16 bits at a time, for comparison. */
  private static int reference(byte[] bytes) {
    long sum = 0;
    for (int i = 0; i < bytes.length; i += 2) {
      int hi = bytes[i] & 0xFF;
      int lo = i + 1 < bytes.length ? bytes[i + 1] & 0xFF : 0;
      sum += (hi << 8) | lo;
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return ~(int) sum & 0xFFFF;
  }

  @Test
  void rfc1071NumericalExample() {
    // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2 (0x2ddf0 folded).
    ByteBuf buf = hex("0001 f203 f4f5 f6f7");
    assertThat(InternetChecksum.sum(buf, 0, 8, 0)).isEqualTo(0x0001f203L + 0xf4f5f6f7L);
    assertThat(InternetChecksum.fold(InternetChecksum.sum(buf, 0, 8, 0))).isEqualTo(0xddf2);
    assertThat(InternetChecksum.compute(buf, 0, 8)).isEqualTo(0x220d);
  }

  @Test
  void oddLengthPadsWithZero() {
    assertThat(InternetChecksum.compute(hex("01"), 0, 1)).isEqualTo(~0x0100 & 0xFFFF);
    assertThat(InternetChecksum.compute(hex("0102 03"), 0, 3)).isEqualTo(~0x0402 & 0xFFFF);
  }

  @Test
  void zeroLengthAndAllZeroGiveAllOnes() {
    assertThat(InternetChecksum.compute(hex("0000"), 0, 0)).isEqualTo(0xFFFF);
    assertThat(InternetChecksum.compute(hex("0000 0000"), 0, 4)).isEqualTo(0xFFFF);
  }

  @Test
  void matchesTheDefinitionForRandomBuffersLengthsAndSplits() {
    Random random = new Random(7);
    for (int round = 0; round < 2000; round++) {
      byte[] bytes = new byte[random.nextInt(300)];
      random.nextBytes(bytes);
      ByteBuf buf = Unpooled.wrappedBuffer(bytes);
      assertThat(InternetChecksum.compute(buf, 0, bytes.length)).isEqualTo(reference(bytes));
      int split = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1) & ~1;
      long partial = InternetChecksum.sum(buf, 0, split, 0);
      long whole = InternetChecksum.sum(buf, split, bytes.length - split, partial);
      assertThat(InternetChecksum.finish(whole)).isEqualTo(reference(bytes));
    }
  }

  @Test
  void aBufferWithItsChecksumVerifiesToZero() {
    ByteBuf buf = hex("4500 0064 1234 4000 402f 0000 c612 0001 c612 0002");
    buf.setShort(10, InternetChecksum.compute(buf, 0, 20));
    assertThat(InternetChecksum.compute(buf, 0, 20)).isZero();
  }

  @Test
  void incrementalUpdateMatchesRecomputation() {
    Random random = new Random(11);
    for (int round = 0; round < 5000; round++) {
      byte[] bytes = new byte[20];
      random.nextBytes(bytes);
      ByteBuf buf = Unpooled.wrappedBuffer(bytes);
      buf.setShort(10, 0);
      int checksum = InternetChecksum.compute(buf, 0, 20);
      int wordOffset = 2 * random.nextInt(5); // a word before the checksum field
      int oldWord = buf.getUnsignedShort(wordOffset);
      int newWord = random.nextInt(0x10000);
      buf.setShort(wordOffset, newWord);
      int expected = InternetChecksum.compute(buf, 0, 20);
      assertThat(InternetChecksum.update(checksum, oldWord, newWord)).isEqualTo(expected);

      int oldInt = buf.getInt(12);
      int newInt = random.nextInt();
      buf.setInt(12, newInt);
      assertThat(InternetChecksum.updateInt(expected, oldInt, newInt))
          .isEqualTo(InternetChecksum.compute(buf, 0, 20));
    }
  }

  @Test
  void sumIntAddsBothHalves() {
    assertThat(InternetChecksum.fold(InternetChecksum.sumInt(0xC6120001, 0)))
        .isEqualTo(0xC612 + 0x0001);
  }
}

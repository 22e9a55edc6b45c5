package dev.tapwire.wire.pcapng;

import static dev.tapwire.wire.testing.Bytes.fromHex;
import static dev.tapwire.wire.testing.Bytes.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.pcap.LinkType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Exact bytes of each block the writers produce, checked field by field at their offsets. */
class PcapngGoldenBytesTest {
  // 1_700_000_000_123_456_789 ns = 0x17979cfe_3d85cd15: upper then lower word, each LE.
  private static final long TIMESTAMP_NS = 1_700_000_000_123_456_789L;
  private static final String TIMESTAMP_HEX = "fe9c9717" + "15cd853d";

  private final ByteBuf out = Unpooled.buffer();

  @Test
  void sectionHeaderBlock() {
    SectionHeaderBlock.write(out, "x86_64", "Linux", "tapwire");

    assertThat(out.readableBytes()).isEqualTo(68);
    assertThat(hex(out, 0, 4)).as("block type").isEqualTo("0a0d0d0a");
    assertThat(hex(out, 4, 4)).as("total length 68").isEqualTo("44000000");
    assertThat(hex(out, 8, 4)).as("byte-order magic").isEqualTo("4d3c2b1a");
    assertThat(hex(out, 12, 4)).as("version 1.0").isEqualTo("01000000");
    assertThat(hex(out, 16, 8)).as("section length -1").isEqualTo("ffffffffffffffff");
    assertThat(hex(out, 24, 12)).as("shb_hardware").isEqualTo("02000600" + "7838365f3634" + "0000");
    assertThat(hex(out, 36, 12)).as("shb_os").isEqualTo("03000500" + "4c696e7578" + "000000");
    assertThat(hex(out, 48, 12)).as("shb_userappl").isEqualTo("04000700" + "74617077697265" + "00");
    assertThat(hex(out, 60, 4)).as("opt_endofopt").isEqualTo("00000000");
    assertThat(hex(out, 64, 4)).as("trailing total length").isEqualTo("44000000");
  }

  @Test
  void sectionHeaderBlockWithoutOptionsHasNoEndOfOptions() {
    SectionHeaderBlock.write(out, null, null, null);

    assertThat(hex(out))
        .isEqualTo(
            "0a0d0d0a" + "1c000000" + "4d3c2b1a" + "01000000" + "ffffffffffffffff" + "1c000000");
  }

  @Test
  void interfaceDescriptionBlock() {
    InterfaceDescriptionBlock.write(
        out, InterfaceDescription.builder(LinkType.ETHERNET, 262_144).name("agent-a/eth0").build());

    assertThat(out.readableBytes()).isEqualTo(48);
    assertThat(hex(out, 0, 4)).as("block type").isEqualTo("01000000");
    assertThat(hex(out, 4, 4)).as("total length 48").isEqualTo("30000000");
    assertThat(hex(out, 8, 2)).as("link type 1").isEqualTo("0100");
    assertThat(hex(out, 10, 2)).as("reserved").isEqualTo("0000");
    assertThat(hex(out, 12, 4)).as("snaplen 262144").isEqualTo("00000400");
    assertThat(hex(out, 16, 16))
        .as("if_name, 12 bytes, no padding")
        .isEqualTo("02000c00" + "6167656e742d612f65746830");
    assertThat(hex(out, 32, 8)).as("if_tsresol 9").isEqualTo("09000100" + "09000000");
    assertThat(hex(out, 40, 4)).as("opt_endofopt").isEqualTo("00000000");
    assertThat(hex(out, 44, 4)).as("trailing total length").isEqualTo("30000000");
  }

  @Test
  void interfaceDescriptionBlockWithEveryOption() {
    InterfaceDescriptionBlock.write(
        out,
        InterfaceDescription.builder(LinkType.ETHERNET, 65_535)
            .name("e")
            .description("d")
            .filter("ip")
            .os("o")
            .hardware("h")
            .speedBitsPerSecond(10_000_000_000L)
            .fcsLengthBytes(4)
            .build());

    assertThat(hex(out, 16, 8)).as("if_name").isEqualTo("02000100" + "65000000");
    assertThat(hex(out, 24, 8)).as("if_description").isEqualTo("03000100" + "64000000");
    assertThat(hex(out, 32, 8)).as("if_tsresol").isEqualTo("09000100" + "09000000");
    assertThat(hex(out, 40, 8)).as("if_filter: type 0, 'ip'").isEqualTo("0b000300" + "00697000");
    assertThat(hex(out, 48, 8)).as("if_os").isEqualTo("0c000100" + "6f000000");
    assertThat(hex(out, 56, 8)).as("if_hardware").isEqualTo("0f000100" + "68000000");
    // 10^10 = 0x2_540b_e400
    assertThat(hex(out, 64, 12)).as("if_speed").isEqualTo("08000800" + "00e40b5402000000");
    assertThat(hex(out, 76, 8)).as("if_fcslen").isEqualTo("0d000100" + "04000000");
    assertThat(hex(out, 84, 4)).as("opt_endofopt").isEqualTo("00000000");
    assertThat(out.getIntLE(4)).isEqualTo(92).isEqualTo(out.getIntLE(88));
  }

  @Test
  void enhancedPacketBlockWithFlagsDropCountAndComment() {
    ByteBuf frame = fromHex("0102030405");
    int block = EnhancedPacketBlock.begin(out, 1, TIMESTAMP_NS, frame, 0, 5, 60);
    EnhancedPacketBlock.writeFlags(out, EpbFlags.INBOUND);
    EnhancedPacketBlock.writeDropCount(out, 3);
    EnhancedPacketBlock.writeComment(out, "hi");
    EnhancedPacketBlock.end(out, block);

    assertThat(out.readableBytes()).isEqualTo(72);
    assertThat(hex(out, 0, 4)).as("block type").isEqualTo("06000000");
    assertThat(hex(out, 4, 4)).as("total length 72").isEqualTo("48000000");
    assertThat(hex(out, 8, 4)).as("interface id").isEqualTo("01000000");
    assertThat(hex(out, 12, 8)).as("timestamp upper, lower").isEqualTo(TIMESTAMP_HEX);
    assertThat(hex(out, 20, 4)).as("captured length").isEqualTo("05000000");
    assertThat(hex(out, 24, 4)).as("original length").isEqualTo("3c000000");
    assertThat(hex(out, 28, 8)).as("data, zero padded").isEqualTo("0102030405" + "000000");
    assertThat(hex(out, 36, 8)).as("epb_flags inbound").isEqualTo("02000400" + "01000000");
    assertThat(hex(out, 44, 12)).as("epb_dropcount").isEqualTo("04000800" + "0300000000000000");
    assertThat(hex(out, 56, 8)).as("opt_comment").isEqualTo("01000200" + "68690000");
    assertThat(hex(out, 64, 4)).as("opt_endofopt").isEqualTo("00000000");
    assertThat(hex(out, 68, 4)).as("trailing total length").isEqualTo("48000000");
    assertThat(frame.readerIndex()).as("data indexes untouched").isZero();
  }

  @Test
  void enhancedPacketBlockWithoutOptions() {
    EnhancedPacketBlock.write(out, 0, TIMESTAMP_NS, fromHex("aabbccdd"), 0, 4, 4);

    assertThat(hex(out))
        .isEqualTo(
            "06000000"
                + "24000000"
                + "00000000"
                + TIMESTAMP_HEX
                + "04000000"
                + "04000000"
                + "aabbccdd"
                + "24000000");
  }

  @Test
  void enhancedPacketBlockBeginEndWithoutOptionsEqualsWrite() {
    ByteBuf frame = fromHex("01020304050607");
    int block = EnhancedPacketBlock.begin(out, 2, TIMESTAMP_NS, frame, 1, 6, 7);
    EnhancedPacketBlock.end(out, block);
    ByteBuf expected = Unpooled.buffer();
    EnhancedPacketBlock.write(expected, 2, TIMESTAMP_NS, frame, 1, 6, 7);

    assertThat(hex(out)).isEqualTo(hex(expected));
    assertThat(hex(out, 28, 8)).as("data from offset 1, padded").isEqualTo("020304050607" + "0000");
  }

  @Test
  void enhancedPacketBlockPaddingIsZeroInDirtyBuffer() {
    ByteBuf dirty = Unpooled.buffer(64, 64);
    for (int i = 0; i < 64; i++) {
      dirty.setByte(i, 0xEE);
    }
    EnhancedPacketBlock.write(dirty, 0, 0, fromHex("01"), 0, 1, 1);

    assertThat(hex(dirty, 28, 4)).isEqualTo("01000000");
  }

  @Test
  void customOptionCarriesPenThenData() {
    ByteBuf frame = fromHex("00");
    int block = EnhancedPacketBlock.begin(out, 0, 0, frame, 0, 1, 1);
    EnhancedPacketBlock.writeCustom(out, 32473, fromHex("1002abcd05"), 0, 5);
    EnhancedPacketBlock.end(out, block);

    // 32473 = 0x7ed9 (the IANA example PEN), little-endian like every field of the section.
    assertThat(hex(out, 32, 16)).isEqualTo("ad0b0900" + "d97e0000" + "1002abcd05" + "000000");
    assertThat(hex(out, 48, 4)).as("opt_endofopt").isEqualTo("00000000");
  }

  @Test
  void interfaceStatisticsBlock() {
    InterfaceStatistics statistics =
        new InterfaceStatistics()
            .reset(1, TIMESTAMP_NS)
            .startTimeNs(1_700_000_000_000_000_000L)
            .endTimeNs(1_700_000_060_000_000_000L)
            .receivedPackets(100)
            .interfaceDroppedPackets(2)
            .osDroppedPackets(1)
            .deliveredPackets(97)
            .comment("final");
    InterfaceStatisticsBlock.write(out, statistics);

    assertThat(out.readableBytes()).isEqualTo(112);
    assertThat(hex(out, 0, 4)).as("block type").isEqualTo("05000000");
    assertThat(hex(out, 4, 4)).as("total length 112").isEqualTo("70000000");
    assertThat(hex(out, 8, 4)).as("interface id").isEqualTo("01000000");
    assertThat(hex(out, 12, 8)).as("timestamp").isEqualTo(TIMESTAMP_HEX);
    assertThat(hex(out, 20, 12)).as("isb_starttime").isEqualTo("02000800" + "fe9c971700002a36");
    assertThat(hex(out, 32, 12)).as("isb_endtime").isEqualTo("03000800" + "0c9d97170058712e");
    assertThat(hex(out, 44, 12)).as("isb_ifrecv").isEqualTo("04000800" + "6400000000000000");
    assertThat(hex(out, 56, 12)).as("isb_ifdrop").isEqualTo("05000800" + "0200000000000000");
    assertThat(hex(out, 68, 12)).as("isb_osdrop").isEqualTo("07000800" + "0100000000000000");
    assertThat(hex(out, 80, 12)).as("isb_usrdeliv").isEqualTo("08000800" + "6100000000000000");
    assertThat(hex(out, 92, 12)).as("opt_comment").isEqualTo("01000500" + "66696e616c" + "000000");
    assertThat(hex(out, 104, 4)).as("opt_endofopt").isEqualTo("00000000");
    assertThat(hex(out, 108, 4)).as("trailing total length").isEqualTo("70000000");
  }

  @Test
  void writersAppendAfterExistingBytes() {
    out.writeBytes(fromHex("ffffff"));
    EnhancedPacketBlock.write(out, 0, 0, fromHex("01"), 0, 1, 1);

    assertThat(out.readableBytes()).isEqualTo(3 + 36);
    assertThat(hex(out, 3, 4)).isEqualTo("06000000");
    assertThat(out.getIntLE(3 + 32)).isEqualTo(36);
  }
}

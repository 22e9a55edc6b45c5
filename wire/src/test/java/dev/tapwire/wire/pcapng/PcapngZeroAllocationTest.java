package dev.tapwire.wire.pcapng;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import dev.tapwire.wire.pcap.LinkType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Once warm, writing and reading EPBs allocates nothing per packet. Counts bytes allocated by the
 * test thread (no timing); the bound allows well under one byte per packet for JVM noise.
 */
class PcapngZeroAllocationTest {
  private static final int PACKETS = 100_000;
  private static final long NOISE_BYTES = 64 * 1024;

  private final ByteBuf frame = Unpooled.buffer(1514).writeZero(1514);

  @Test
  void writingEnhancedPacketBlocksAllocatesNothing() {
    ByteBuf out = Unpooled.buffer(8 << 20);
    writePackets(out, PACKETS / 10);

    long before = allocatedBytes();
    writePackets(out, PACKETS);
    long allocated = allocatedBytes() - before;

    assertThat(allocated).isLessThan(NOISE_BYTES);
  }

  @Test
  void readingEnhancedPacketBlocksAllocatesNothing() {
    ByteBuf file = Unpooled.buffer(64 << 20);
    SectionHeaderBlock.write(file, null, null, null);
    InterfaceDescriptionBlock.write(
        file, InterfaceDescription.builder(LinkType.ETHERNET, 0).name("agent-a/eth0").build());
    int start = file.writerIndex();
    writePackets(file, 20_000);
    ByteBuf packets = file.slice(start, file.writerIndex() - start);
    PcapngReader reader = new PcapngReader();
    CaptureRecord record = new CaptureRecord();
    PcapngOptionCursor options = new PcapngOptionCursor();
    ByteBuf in = file.duplicate();
    readAll(reader, in, record, options);

    long before = allocatedBytes();
    int records = 0;
    for (int round = 0; round < 5; round++) {
      in = packets.duplicate();
      records += readAll(reader, in, record, options);
    }
    long allocated = allocatedBytes() - before;

    assertThat(records).isEqualTo(PACKETS);
    assertThat(allocated).isLessThan(NOISE_BYTES);
  }

  private void writePackets(ByteBuf out, int count) {
    for (int i = 0; i < count; i++) {
      if (out.writableBytes() < 4096) {
        out.clear();
      }
      int length = 60 + (i & 1023);
      int block =
          EnhancedPacketBlock.begin(
              out, 0, 1_700_000_000_000_000_000L + i, frame, 0, length, length);
      EnhancedPacketBlock.writeFlags(out, (i & 1) == 0 ? EpbFlags.INBOUND : EpbFlags.OUTBOUND);
      EnhancedPacketBlock.writeDropCount(out, i);
      EnhancedPacketBlock.writeComment(out, "sequence gap");
      EnhancedPacketBlock.writeCustom(out, 32473, frame, 0, 12);
      EnhancedPacketBlock.end(out, block);
    }
  }

  private static int readAll(
      PcapngReader reader, ByteBuf in, CaptureRecord record, PcapngOptionCursor options) {
    int records = 0;
    CaptureReadResult result;
    while ((result = reader.next(in, record)) == CaptureReadResult.RECORD) {
      records++;
      reader.recordOptions(options);
      int count = 0;
      while (options.next()) {
        count++;
      }
      if (count != 4) {
        throw new AssertionError("expected 4 options, got " + count);
      }
    }
    assertThat(result).isEqualTo(CaptureReadResult.NEED_MORE_DATA);
    return records;
  }

  private static long allocatedBytes() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx)
        || !mx.isThreadAllocatedMemorySupported()) {
      Assumptions.abort("per-thread allocation counting not supported by this JVM");
      return 0;
    }
    return mx.getCurrentThreadAllocatedBytes();
  }
}

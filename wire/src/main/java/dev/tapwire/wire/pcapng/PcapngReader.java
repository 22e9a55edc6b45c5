package dev.tapwire.wire.pcapng;

import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureReader;
import dev.tapwire.wire.pcap.CaptureRecord;
import io.netty.buffer.ByteBuf;

/**
 * Incremental pcapng reader (<a
 * href="https://datatracker.ietf.org/doc/html/draft-ietf-opsawg-pcapng">draft-ietf-opsawg-pcapng</a>).
 * See {@link CaptureReader} for the calling convention. One instance reads one file; not
 * thread-safe; allocates nothing per packet.
 *
 * <p>Reads Enhanced, Simple and (obsolete) Packet Blocks as records, converting timestamps with the
 * interface's if_tsresol and if_tsoffset. Returns {@link CaptureReadResult#INTERFACE_STATISTICS}
 * for each Interface Statistics Block, filling {@link #statistics()}. Skips every other block (NRB,
 * DSB, custom, unknown). Each Section Header Block starts a new section, with its own byte order
 * and its own interface ids.
 *
 * <p>An IDB that cannot be used (too short, bad options, unusable if_tsresol) still takes its
 * interface id, so later ids stay right; the IDB returns the reason, and so does every packet on
 * that interface, so each one is counted.
 */
public final class PcapngReader implements CaptureReader {
  /** Default limit on one block's total length. */
  public static final int DEFAULT_MAX_BLOCK_BYTES = 256 * 1024 * 1024;

  /** Default limit on the number of interfaces of one section. */
  public static final int DEFAULT_MAX_INTERFACES = 65_536;

  private static final int NO_DROPS_16 = 0xFFFF;
  private static final int PACKET_BLOCK_OPTION_FLAGS = 2;

  private final int maxBlockBytes;
  private final PcapngOptionCursor cursor = new PcapngOptionCursor();
  private final InterfaceStatistics statistics = new InterfaceStatistics();

  private boolean inSection;
  private boolean bigEndian;
  private SectionHeader section;
  private int sectionCount;
  private final InterfaceTable interfaces;
  private ByteBuf optionsBuffer;
  private int optionsOffset;
  private int optionsLength;
  private CaptureReadResult fatal;

  /** A reader with the default limits. */
  public PcapngReader() {
    this(DEFAULT_MAX_BLOCK_BYTES, DEFAULT_MAX_INTERFACES);
  }

  /**
   * A reader with explicit limits, which bound the memory a corrupt file can make it (or its
   * caller) use.
   */
  public PcapngReader(int maxBlockBytes, int maxInterfaces) {
    if (maxBlockBytes < SectionHeaderBlock.MIN_LENGTH || maxInterfaces <= 0) {
      throw new IllegalArgumentException(
          "need maxBlockBytes >= 28 and maxInterfaces > 0: "
              + maxBlockBytes
              + ", "
              + maxInterfaces);
    }
    this.maxBlockBytes = maxBlockBytes;
    this.interfaces = new InterfaceTable(maxInterfaces);
  }

  @Override
  public CaptureReadResult next(ByteBuf in, CaptureRecord out) {
    if (fatal != null) {
      return fatal;
    }
    while (true) {
      int start = in.readerIndex();
      int readable = in.readableBytes();
      boolean sectionHeader = readable >= 4 && in.getInt(start) == PcapngBlockType.SECTION_HEADER;
      if (readable >= 4 && !sectionHeader && !inSection) {
        return fail(CaptureReadResult.BAD_MAGIC);
      }
      if (readable < 8) {
        return CaptureReadResult.NEED_MORE_DATA;
      }
      if (sectionHeader) {
        if (readable < SectionHeaderBlock.BYTE_ORDER_MAGIC_OFFSET + 4) {
          return CaptureReadResult.NEED_MORE_DATA;
        }
        int magic = in.getInt(start + SectionHeaderBlock.BYTE_ORDER_MAGIC_OFFSET);
        if (magic == SectionHeaderBlock.BYTE_ORDER_MAGIC) {
          bigEndian = true;
        } else if (magic == Integer.reverseBytes(SectionHeaderBlock.BYTE_ORDER_MAGIC)) {
          bigEndian = false;
        } else {
          return fail(CaptureReadResult.BAD_MAGIC);
        }
      }
      long totalLength = u32(in, start + PcapngBlockType.TOTAL_LENGTH_OFFSET);
      if ((totalLength & 3) != 0) {
        return fail(CaptureReadResult.BLOCK_LENGTH_NOT_MULTIPLE_OF_4);
      }
      int minLength =
          sectionHeader ? SectionHeaderBlock.MIN_LENGTH : PcapngBlockType.BLOCK_OVERHEAD_LENGTH;
      if (totalLength < minLength) {
        return fail(CaptureReadResult.BLOCK_LENGTH_TOO_SMALL);
      }
      if (totalLength > maxBlockBytes) {
        return fail(CaptureReadResult.BLOCK_LENGTH_TOO_LARGE);
      }
      int length = (int) totalLength;
      if (readable < length) {
        return CaptureReadResult.NEED_MORE_DATA;
      }
      if (u32(in, start + length - 4) != totalLength) {
        return fail(CaptureReadResult.BLOCK_LENGTH_MISMATCH);
      }
      in.readerIndex(start + length);
      optionsLength = 0;
      CaptureReadResult result =
          sectionHeader
              ? readSectionHeader(in, start, length)
              : readBlock((int) u32(in, start), in, start, length, out);
      if (result != null) {
        return result;
      }
    }
  }

  @Override
  public CaptureReadResult finish(ByteBuf in) {
    if (fatal != null) {
      return fatal;
    }
    if (!inSection) {
      return fail(CaptureReadResult.TRUNCATED_FILE_HEADER);
    }
    return in.isReadable()
        ? fail(CaptureReadResult.TRUNCATED_BLOCK)
        : CaptureReadResult.END_OF_INPUT;
  }

  /** Dispatches a non-SHB block; null means "skipped, read on". */
  private CaptureReadResult readBlock(
      int type, ByteBuf in, int start, int length, CaptureRecord out) {
    return switch (type) {
      case PcapngBlockType.ENHANCED_PACKET -> readEnhancedPacket(in, start, length, out);
      case PcapngBlockType.SIMPLE_PACKET -> readSimplePacket(in, start, length, out);
      case PcapngBlockType.PACKET -> readPacket(in, start, length, out);
      case PcapngBlockType.INTERFACE_DESCRIPTION -> readInterfaceDescription(in, start, length);
      case PcapngBlockType.INTERFACE_STATISTICS -> readStatistics(in, start, length);
      default -> null;
    };
  }

  private CaptureReadResult readSectionHeader(ByteBuf in, int start, int length) {
    int major = u16(in, start + SectionHeaderBlock.VERSION_MAJOR_OFFSET);
    int minor = u16(in, start + SectionHeaderBlock.VERSION_MINOR_OFFSET);
    // 1.2 was written by some old tools and means 1.0; anything else cannot be read.
    if (major != SectionHeaderBlock.VERSION_MAJOR || (minor != 0 && minor != 2)) {
      return fail(CaptureReadResult.UNSUPPORTED_VERSION);
    }
    long sectionLength =
        bigEndian
            ? in.getLong(start + SectionHeaderBlock.SECTION_LENGTH_OFFSET)
            : in.getLongLE(start + SectionHeaderBlock.SECTION_LENGTH_OFFSET);
    String hardware = null;
    String os = null;
    String userApplication = null;
    PcapngOptionCursor options = options(in, start, SectionHeaderBlock.OPTIONS_OFFSET, length);
    while (options.next()) {
      switch (options.code()) {
        case SectionHeaderBlock.OPTION_HARDWARE -> hardware = options.utf8Value();
        case SectionHeaderBlock.OPTION_OS -> os = options.utf8Value();
        case SectionHeaderBlock.OPTION_USER_APPLICATION -> userApplication = options.utf8Value();
        default -> {}
      }
    }
    section =
        new SectionHeader(bigEndian, major, minor, sectionLength, hardware, os, userApplication);
    sectionCount++;
    inSection = true;
    interfaces.clear();
    return options.error();
  }

  private CaptureReadResult readInterfaceDescription(ByteBuf in, int start, int length) {
    if (interfaces.full()) {
      return fail(CaptureReadResult.TOO_MANY_INTERFACES);
    }
    if (length < InterfaceDescriptionBlock.MIN_LENGTH) {
      return interfaces.add(null, CaptureReadResult.BLOCK_BODY_TOO_SHORT);
    }
    int linkType = u16(in, start + InterfaceDescriptionBlock.LINK_TYPE_OFFSET);
    int snapLenBytes = (int) u32(in, start + InterfaceDescriptionBlock.SNAP_LEN_OFFSET);
    InterfaceDescriptionParser parser = new InterfaceDescriptionParser();
    CaptureReadResult error =
        parser.parse(options(in, start, InterfaceDescriptionBlock.OPTIONS_OFFSET, length));
    return interfaces.add(parser.toDescription(linkType, snapLenBytes), error);
  }

  private CaptureReadResult readEnhancedPacket(
      ByteBuf in, int start, int length, CaptureRecord out) {
    if (length < EnhancedPacketBlock.MIN_LENGTH) {
      return CaptureReadResult.BLOCK_BODY_TOO_SHORT;
    }
    long interfaceId = u32(in, start + EnhancedPacketBlock.INTERFACE_ID_OFFSET);
    long capturedLength = u32(in, start + EnhancedPacketBlock.CAPTURED_LENGTH_OFFSET);
    int dataStart = start + EnhancedPacketBlock.DATA_OFFSET;
    int bodyEnd = start + length - 4;
    // bodyEnd - dataStart is a multiple of 4, so this also checks the padding fits.
    if (capturedLength > bodyEnd - dataStart) {
      return CaptureReadResult.CAPTURED_LENGTH_PAST_BLOCK;
    }
    CaptureReadResult interfaceError = interfaces.check(interfaceId);
    if (interfaceError != null) {
      return interfaceError;
    }
    int id = (int) interfaceId;
    long units = timestamp(in, start + EnhancedPacketBlock.TIMESTAMP_HIGH_OFFSET);
    long originalLength = u32(in, start + EnhancedPacketBlock.ORIGINAL_LENGTH_OFFSET);
    int optionsStart = dataStart + PcapngBlocks.pad4((int) capturedLength);
    PcapngOptionCursor options = options(in, optionsStart, bodyEnd);
    int flags = 0;
    long dropCount = CaptureRecord.NO_DROP_COUNT;
    while (options.next()) {
      switch (options.code()) {
        case EnhancedPacketBlock.OPTION_FLAGS -> {
          if (options.valueLength() != 4) {
            return CaptureReadResult.BAD_OPTION_LENGTH;
          }
          flags = options.u32Value();
        }
        case EnhancedPacketBlock.OPTION_DROP_COUNT -> {
          if (options.valueLength() != 8) {
            return CaptureReadResult.BAD_OPTION_LENGTH;
          }
          dropCount = options.u64Value();
        }
        default -> {}
      }
    }
    if (options.error() != null) {
      return options.error();
    }
    fillRecord(
        out, id, interfaces.toNanos(id, units), in, dataStart, capturedLength, originalLength);
    out.setPacketMetadata(flags, dropCount);
    rememberOptions(in, optionsStart, bodyEnd);
    return CaptureReadResult.RECORD;
  }

  private CaptureReadResult readSimplePacket(ByteBuf in, int start, int length, CaptureRecord out) {
    if (length < SimplePacketBlock.MIN_LENGTH) {
      return CaptureReadResult.BLOCK_BODY_TOO_SHORT;
    }
    CaptureReadResult interfaceError = interfaces.check(0);
    if (interfaceError != null) {
      return interfaceError;
    }
    long originalLength = u32(in, start + SimplePacketBlock.ORIGINAL_LENGTH_OFFSET);
    long snapLenBytes = interfaces.description(0).snapLenBytes() & 0xFFFF_FFFFL;
    long capturedLength =
        snapLenBytes == 0 ? originalLength : Math.min(originalLength, snapLenBytes);
    int dataStart = start + SimplePacketBlock.DATA_OFFSET;
    if (capturedLength > start + length - 4 - dataStart) {
      return CaptureReadResult.CAPTURED_LENGTH_PAST_BLOCK;
    }
    fillRecord(out, 0, CaptureRecord.NO_TIMESTAMP, in, dataStart, capturedLength, originalLength);
    return CaptureReadResult.RECORD;
  }

  /** The obsolete Packet Block (type 2): like an EPB with a 16-bit interface id and drop count. */
  private CaptureReadResult readPacket(ByteBuf in, int start, int length, CaptureRecord out) {
    if (length < EnhancedPacketBlock.MIN_LENGTH) {
      return CaptureReadResult.BLOCK_BODY_TOO_SHORT;
    }
    int interfaceId = u16(in, start + EnhancedPacketBlock.INTERFACE_ID_OFFSET);
    int drops = u16(in, start + EnhancedPacketBlock.INTERFACE_ID_OFFSET + 2);
    long capturedLength = u32(in, start + EnhancedPacketBlock.CAPTURED_LENGTH_OFFSET);
    int dataStart = start + EnhancedPacketBlock.DATA_OFFSET;
    int bodyEnd = start + length - 4;
    if (capturedLength > bodyEnd - dataStart) {
      return CaptureReadResult.CAPTURED_LENGTH_PAST_BLOCK;
    }
    CaptureReadResult interfaceError = interfaces.check(interfaceId);
    if (interfaceError != null) {
      return interfaceError;
    }
    long units = timestamp(in, start + EnhancedPacketBlock.TIMESTAMP_HIGH_OFFSET);
    long originalLength = u32(in, start + EnhancedPacketBlock.ORIGINAL_LENGTH_OFFSET);
    int optionsStart = dataStart + PcapngBlocks.pad4((int) capturedLength);
    PcapngOptionCursor options = options(in, optionsStart, bodyEnd);
    int flags = 0;
    while (options.next()) {
      if (options.code() == PACKET_BLOCK_OPTION_FLAGS) {
        if (options.valueLength() != 4) {
          return CaptureReadResult.BAD_OPTION_LENGTH;
        }
        flags = options.u32Value();
      }
    }
    if (options.error() != null) {
      return options.error();
    }
    fillRecord(
        out,
        interfaceId,
        interfaces.toNanos(interfaceId, units),
        in,
        dataStart,
        capturedLength,
        originalLength);
    out.setPacketMetadata(flags, drops == NO_DROPS_16 ? CaptureRecord.NO_DROP_COUNT : drops);
    rememberOptions(in, optionsStart, bodyEnd);
    return CaptureReadResult.RECORD;
  }

  private CaptureReadResult readStatistics(ByteBuf in, int start, int length) {
    if (length < InterfaceStatisticsBlock.MIN_LENGTH) {
      return CaptureReadResult.BLOCK_BODY_TOO_SHORT;
    }
    long interfaceId = u32(in, start + InterfaceStatisticsBlock.INTERFACE_ID_OFFSET);
    CaptureReadResult interfaceError = interfaces.check(interfaceId);
    if (interfaceError != null) {
      return interfaceError;
    }
    int id = (int) interfaceId;
    long units = timestamp(in, start + InterfaceStatisticsBlock.TIMESTAMP_HIGH_OFFSET);
    statistics.reset(id, interfaces.toNanos(id, units));
    int optionsStart = start + InterfaceStatisticsBlock.OPTIONS_OFFSET;
    int bodyEnd = start + length - 4;
    PcapngOptionCursor options = options(in, optionsStart, bodyEnd);
    while (options.next()) {
      int code = options.code();
      if (code == PcapngOptionWriter.COMMENT) {
        if (statistics.comment() == null) {
          statistics.comment(options.utf8Value());
        }
        continue;
      }
      if (code < InterfaceStatisticsBlock.OPTION_START_TIME
          || code > InterfaceStatisticsBlock.OPTION_USER_DELIVERED) {
        continue;
      }
      if (options.valueLength() != 8) {
        return CaptureReadResult.BAD_OPTION_LENGTH;
      }
      switch (code) {
        case InterfaceStatisticsBlock.OPTION_START_TIME ->
            statistics.startTimeNs(interfaces.toNanos(id, options.timestampValue()));
        case InterfaceStatisticsBlock.OPTION_END_TIME ->
            statistics.endTimeNs(interfaces.toNanos(id, options.timestampValue()));
        case InterfaceStatisticsBlock.OPTION_IF_RECV ->
            statistics.receivedPackets(options.u64Value());
        case InterfaceStatisticsBlock.OPTION_IF_DROP ->
            statistics.interfaceDroppedPackets(options.u64Value());
        case InterfaceStatisticsBlock.OPTION_FILTER_ACCEPT ->
            statistics.filterAcceptedPackets(options.u64Value());
        case InterfaceStatisticsBlock.OPTION_OS_DROP ->
            statistics.osDroppedPackets(options.u64Value());
        default -> statistics.deliveredPackets(options.u64Value());
      }
    }
    if (options.error() != null) {
      return options.error();
    }
    rememberOptions(in, optionsStart, bodyEnd);
    return CaptureReadResult.INTERFACE_STATISTICS;
  }

  private void fillRecord(
      CaptureRecord out,
      int interfaceId,
      long timestampNs,
      ByteBuf in,
      int dataStart,
      long capturedLength,
      long originalLength) {
    out.set(
        interfaces.description(interfaceId).linkType(),
        interfaceId,
        timestampNs,
        in,
        dataStart,
        (int) capturedLength,
        (int) Math.min(originalLength, Integer.MAX_VALUE));
  }

  private PcapngOptionCursor options(ByteBuf in, int start, int optionsOffset, int length) {
    return options(in, start + optionsOffset, start + length - 4);
  }

  private PcapngOptionCursor options(ByteBuf in, int from, int to) {
    return cursor.reset(in, from, to - from, bigEndian);
  }

  private void rememberOptions(ByteBuf in, int from, int to) {
    optionsBuffer = in;
    optionsOffset = from;
    optionsLength = to - from;
  }

  private CaptureReadResult fail(CaptureReadResult reason) {
    fatal = reason;
    return reason;
  }

  private long timestamp(ByteBuf in, int index) {
    return u32(in, index) << 32 | u32(in, index + 4);
  }

  private long u32(ByteBuf in, int index) {
    return (bigEndian ? in.getInt(index) : in.getIntLE(index)) & 0xFFFF_FFFFL;
  }

  private int u16(ByteBuf in, int index) {
    return bigEndian ? in.getUnsignedShort(index) : in.getUnsignedShortLE(index);
  }

  /**
   * Positions {@code target} over the options of the block behind the last {@link
   * CaptureReadResult#RECORD} or {@link CaptureReadResult#INTERFACE_STATISTICS} result, for options
   * the reader does not interpret (opt_comment, custom options). Valid as long as the record's data
   * is; empty for a Simple Packet Block.
   */
  public PcapngOptionCursor recordOptions(PcapngOptionCursor target) {
    return target.reset(optionsBuffer, optionsOffset, optionsLength, bigEndian);
  }

  /** Statistics of the last {@link CaptureReadResult#INTERFACE_STATISTICS} result. */
  public InterfaceStatistics statistics() {
    return statistics;
  }

  /** The current section's header, or null before the first SHB. */
  public SectionHeader section() {
    return section;
  }

  /** Number of Section Header Blocks read so far; interface ids restart in each section. */
  public int sectionCount() {
    return sectionCount;
  }

  /** Number of interfaces described so far in the current section. */
  public int interfaceCount() {
    return interfaces.count();
  }

  /**
   * The description of interface {@code interfaceId} of the current section, or null if there is no
   * such interface or its IDB was too short to read.
   */
  public InterfaceDescription interfaceDescription(int interfaceId) {
    return interfaces.description(interfaceId);
  }
}

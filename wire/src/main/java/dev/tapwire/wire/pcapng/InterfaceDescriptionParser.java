package dev.tapwire.wire.pcapng;

import dev.tapwire.wire.pcap.CaptureReadResult;
import java.nio.charset.StandardCharsets;

/** Collects the options of one IDB; one instance per IDB (IDBs are rare, so it may allocate). */
final class InterfaceDescriptionParser {
  private String name;
  private String description;
  private String filter;
  private String os;
  private String hardware;
  private long speedBitsPerSecond = -1;
  private int timestampResolution = InterfaceDescription.TSRESOL_MICROSECONDS;
  private long timestampOffsetSeconds;
  private int fcsLengthBytes = -1;

  /** Reads every option; returns null, or the reason the options are unusable. */
  CaptureReadResult parse(PcapngOptionCursor options) {
    while (options.next()) {
      int length = options.valueLength();
      switch (options.code()) {
        case InterfaceDescriptionBlock.OPTION_NAME -> name = options.utf8Value();
        case InterfaceDescriptionBlock.OPTION_DESCRIPTION -> description = options.utf8Value();
        case InterfaceDescriptionBlock.OPTION_OS -> os = options.utf8Value();
        case InterfaceDescriptionBlock.OPTION_HARDWARE -> hardware = options.utf8Value();
        case InterfaceDescriptionBlock.OPTION_FILTER -> {
          // First byte: filter type. Only libpcap filter strings are kept as text.
          if (length >= 1 && options.u8Value() == InterfaceDescriptionBlock.FILTER_TYPE_LIBPCAP) {
            filter =
                options
                    .buffer()
                    .toString(options.valueOffset() + 1, length - 1, StandardCharsets.UTF_8);
          }
        }
        case InterfaceDescriptionBlock.OPTION_SPEED -> {
          if (length != 8) {
            return CaptureReadResult.BAD_OPTION_LENGTH;
          }
          speedBitsPerSecond = options.u64Value();
        }
        case InterfaceDescriptionBlock.OPTION_TSRESOL -> {
          if (length != 1) {
            return CaptureReadResult.BAD_OPTION_LENGTH;
          }
          timestampResolution = options.u8Value();
        }
        case InterfaceDescriptionBlock.OPTION_TSOFFSET -> {
          if (length != 8) {
            return CaptureReadResult.BAD_OPTION_LENGTH;
          }
          timestampOffsetSeconds = options.u64Value();
        }
        case InterfaceDescriptionBlock.OPTION_FCSLEN -> {
          if (length != 1) {
            return CaptureReadResult.BAD_OPTION_LENGTH;
          }
          fcsLengthBytes = options.u8Value();
        }
        default -> {}
      }
    }
    return options.error();
  }

  InterfaceDescription toDescription(int linkType, int snapLenBytes) {
    return new InterfaceDescription(
        linkType,
        snapLenBytes,
        name,
        description,
        filter,
        os,
        hardware,
        speedBitsPerSecond,
        timestampResolution,
        timestampOffsetSeconds,
        fcsLengthBytes);
  }
}

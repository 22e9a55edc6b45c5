package dev.tapwire.wire.pcapng;

import dev.tapwire.wire.pcap.CaptureReadResult;
import java.util.Arrays;

/**
 * The interfaces of the current pcapng section, indexed by their implicit id, with what the reader
 * needs per packet precomputed (timestamp converter, offset in ns, whether usable).
 */
final class InterfaceTable {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final int maxInterfaces;
  private int count;
  private InterfaceDescription[] descriptions = new InterfaceDescription[8];
  private TimestampResolution[] resolutions = new TimestampResolution[8];
  private long[] offsetsNs = new long[8];
  private CaptureReadResult[] invalidReasons = new CaptureReadResult[8];

  InterfaceTable(int maxInterfaces) {
    this.maxInterfaces = maxInterfaces;
  }

  /** Forgets every interface: a new section starts. */
  void clear() {
    Arrays.fill(descriptions, 0, count, null);
    count = 0;
  }

  boolean full() {
    return count >= maxInterfaces;
  }

  /**
   * Adds the next interface. {@code description} is null if the IDB could not be read; {@code
   * invalidReason} is null for a usable interface, else what every packet on it will report.
   * Returns {@code invalidReason}.
   */
  CaptureReadResult add(InterfaceDescription description, CaptureReadResult invalidReason) {
    if (count == descriptions.length) {
      int capacity = Math.min(maxInterfaces, count * 2);
      descriptions = Arrays.copyOf(descriptions, capacity);
      resolutions = Arrays.copyOf(resolutions, capacity);
      offsetsNs = Arrays.copyOf(offsetsNs, capacity);
      invalidReasons = Arrays.copyOf(invalidReasons, capacity);
    }
    TimestampResolution resolution =
        description == null ? null : resolution(description.timestampResolution());
    if (invalidReason == null && resolution == null) {
      invalidReason = CaptureReadResult.UNSUPPORTED_TIMESTAMP_RESOLUTION;
    }
    descriptions[count] = description;
    resolutions[count] = resolution;
    offsetsNs[count] =
        description == null ? 0 : description.timestampOffsetSeconds() * NANOS_PER_SECOND;
    invalidReasons[count] = invalidReason;
    count++;
    return invalidReason;
  }

  /** Null if packets may refer to {@code interfaceId} (unsigned), else the reason they may not. */
  CaptureReadResult check(long interfaceId) {
    if (interfaceId < 0 || interfaceId >= count) {
      return CaptureReadResult.UNKNOWN_INTERFACE;
    }
    return invalidReasons[(int) interfaceId];
  }

  int count() {
    return count;
  }

  /** The description of a checked interface, or null for an id out of range or an unread IDB. */
  InterfaceDescription description(int interfaceId) {
    return interfaceId >= 0 && interfaceId < count ? descriptions[interfaceId] : null;
  }

  /** Epoch nanoseconds of a timestamp of a checked interface, in its if_tsresol units. */
  long toNanos(int interfaceId, long units) {
    return resolutions[interfaceId].toNanos(units) + offsetsNs[interfaceId];
  }

  private static TimestampResolution resolution(int code) {
    return switch (code) {
      case InterfaceDescription.TSRESOL_MICROSECONDS -> TimestampResolution.MICROSECONDS;
      case InterfaceDescription.TSRESOL_NANOSECONDS -> TimestampResolution.NANOSECONDS;
      default -> TimestampResolution.of(code);
    };
  }
}

package dev.tapwire.wire.pcapng;

/**
 * One capture interface of a pcapng section: what an Interface Description Block says. Readers
 * produce it; {@link InterfaceDescriptionBlock#write} writes it. Null strings and negative numbers
 * mean "option absent".
 *
 * @param linkType LINKTYPE_* of the interface
 * @param snapLenBytes SnapLen (unsigned; 0 means no limit)
 * @param name if_name, or null
 * @param description if_description, or null
 * @param filter if_filter as a libpcap filter string, or null
 * @param os if_os, or null
 * @param hardware if_hardware, or null
 * @param speedBitsPerSecond if_speed, or -1
 * @param timestampResolution if_tsresol as on disk: MSB 0 means 10^-n s, MSB 1 means 2^-n s ({@link
 *     #TSRESOL_MICROSECONDS} when the option is absent)
 * @param timestampOffsetSeconds if_tsoffset, seconds added to every timestamp (0 if absent)
 * @param fcsLengthBytes if_fcslen, or -1
 */
public record InterfaceDescription(
    int linkType,
    int snapLenBytes,
    String name,
    String description,
    String filter,
    String os,
    String hardware,
    long speedBitsPerSecond,
    int timestampResolution,
    long timestampOffsetSeconds,
    int fcsLengthBytes) {

  /** if_tsresol of microseconds, the default without the option. */
  public static final int TSRESOL_MICROSECONDS = 6;

  /** if_tsresol of nanoseconds, what Tapwire writes. */
  public static final int TSRESOL_NANOSECONDS = 9;

  /** A builder for the interface Tapwire writes: nanosecond resolution, no offset. */
  public static Builder builder(int linkType, int snapLenBytes) {
    return new Builder(linkType, snapLenBytes);
  }

  /** Builds an {@link InterfaceDescription}; all options start absent. */
  public static final class Builder {
    private final int linkType;
    private final int snapLenBytes;
    private String name;
    private String description;
    private String filter;
    private String os;
    private String hardware;
    private long speedBitsPerSecond = -1;
    private int timestampResolution = TSRESOL_NANOSECONDS;
    private long timestampOffsetSeconds;
    private int fcsLengthBytes = -1;

    private Builder(int linkType, int snapLenBytes) {
      this.linkType = linkType;
      this.snapLenBytes = snapLenBytes;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder description(String description) {
      this.description = description;
      return this;
    }

    public Builder filter(String filter) {
      this.filter = filter;
      return this;
    }

    public Builder os(String os) {
      this.os = os;
      return this;
    }

    public Builder hardware(String hardware) {
      this.hardware = hardware;
      return this;
    }

    public Builder speedBitsPerSecond(long speedBitsPerSecond) {
      this.speedBitsPerSecond = speedBitsPerSecond;
      return this;
    }

    public Builder timestampResolution(int timestampResolution) {
      this.timestampResolution = timestampResolution;
      return this;
    }

    public Builder timestampOffsetSeconds(long timestampOffsetSeconds) {
      this.timestampOffsetSeconds = timestampOffsetSeconds;
      return this;
    }

    public Builder fcsLengthBytes(int fcsLengthBytes) {
      this.fcsLengthBytes = fcsLengthBytes;
      return this;
    }

    public InterfaceDescription build() {
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
}

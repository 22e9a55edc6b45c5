package dev.tapwire.wire.capture;

import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureReader;
import dev.tapwire.wire.pcap.CaptureRecord;
import dev.tapwire.wire.pcap.PcapReader;
import dev.tapwire.wire.pcapng.PcapngReader;
import io.netty.buffer.ByteBuf;

/**
 * Reads a pcap or a pcapng file through one {@link CaptureReader}: the first call detects the
 * format ({@link CaptureFormat}) and creates the matching reader; later calls go to it. A file in
 * neither format gives {@link CaptureReadResult#BAD_MAGIC}. Not thread-safe.
 */
public final class CaptureFileReader implements CaptureReader {
  private CaptureFormat format = CaptureFormat.UNKNOWN;
  private CaptureReader delegate;
  private PcapReader pcap;
  private PcapngReader pcapng;
  private CaptureReadResult fatal;

  @Override
  public CaptureReadResult next(ByteBuf in, CaptureRecord out) {
    if (delegate == null) {
      if (fatal != null) {
        return fatal;
      }
      if (in.readableBytes() < CaptureFormat.DETECT_LENGTH) {
        return CaptureReadResult.NEED_MORE_DATA;
      }
      format = CaptureFormat.detect(in);
      switch (format) {
        case PCAP -> delegate = pcap = new PcapReader();
        case PCAPNG -> delegate = pcapng = new PcapngReader();
        default -> {
          fatal = CaptureReadResult.BAD_MAGIC;
          return fatal;
        }
      }
    }
    return delegate.next(in, out);
  }

  @Override
  public CaptureReadResult finish(ByteBuf in) {
    if (delegate != null) {
      return delegate.finish(in);
    }
    if (fatal == null) {
      fatal = CaptureReadResult.TRUNCATED_FILE_HEADER;
    }
    return fatal;
  }

  /** The detected format; {@link CaptureFormat#UNKNOWN} until detected (or if undetectable). */
  public CaptureFormat format() {
    return format;
  }

  /** The pcap reader if the file is pcap, else null: header fields such as the FCS length. */
  public PcapReader pcapReader() {
    return pcap;
  }

  /** The pcapng reader if the file is pcapng, else null: interfaces and statistics. */
  public PcapngReader pcapngReader() {
    return pcapng;
  }
}

package dev.tapwire.cli.decap;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** File format written by {@code tapwire decap}. */
public enum OutputFormat {
  PCAPNG,
  PCAP;

  /** Parses {@code pcapng} or {@code pcap}, naming the bad value otherwise. */
  public static final class Converter implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "pcapng" -> PCAPNG;
        case "pcap" -> PCAP;
        default ->
            throw new TypeConversionException(
                "'" + value + "' is not a format: use pcapng or pcap");
      };
    }
  }
}

package dev.tapwire.cli.control;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.UncheckedIOException;
import picocli.CommandLine.Option;

/** {@code -o table|json}: tables for people, protobuf JSON for scripts. */
public final class OutputFormatOption {
  /** What to print. */
  public enum Format {
    table,
    json
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "table|json",
      defaultValue = "table",
      description = "Output format (default ${DEFAULT-VALUE}).")
  Format format = Format.table;

  boolean json() {
    return format == Format.json;
  }

  /** The message as protobuf JSON (field names in lowerCamelCase, as the proto3 JSON mapping). */
  static String json(MessageOrBuilder message, boolean oneLine) {
    try {
      JsonFormat.Printer printer = JsonFormat.printer().alwaysPrintFieldsWithNoPresence();
      return (oneLine ? printer.omittingInsignificantWhitespace() : printer).print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new UncheckedIOException(new java.io.IOException(e));
    }
  }
}

package dev.tapwire.cli.decap;

import dev.tapwire.cli.UserFacingException;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** One run of {@code tapwire decap}: read, decapsulate, write, summarize. */
public final class Decapsulation {
  private Decapsulation() {}

  public static void run(DecapSettings settings, PrintWriter err) throws IOException {
    DecapStatistics statistics = new DecapStatistics();
    String inputFormat;
    Decapsulator decapsulator;
    try (CaptureInput input = new CaptureInput(openInput(settings.input()))) {
      CaptureRecord record = new CaptureRecord();
      CaptureReadResult result = input.next(record);
      if (result.isFatal()) {
        // Checked before the output is opened, so a bad input never clobbers an existing file.
        throw new UserFacingException(
            settings.input() + " is not a usable pcap or pcapng file (" + result.label() + ")");
      }
      try (FrameOutput output = openOutput(settings)) {
        decapsulator =
            new Decapsulator(
                new TunnelClassifier(settings.vxlanPorts(), settings.greInUdpPort()),
                output,
                statistics);
        while (result != CaptureReadResult.END_OF_INPUT) {
          if (result == CaptureReadResult.RECORD) {
            decapsulator.accept(record);
          } else if (result.isFatal()) {
            statistics.inputEndedWith = result.label();
            err.println(
                "decap: input ends early after "
                    + statistics.recordsRead
                    + " records ("
                    + result.label()
                    + "); everything before was decapsulated");
            break;
          } else if (result.isError()) {
            DecapStatistics.increment(statistics.unreadableRecordsByReason, result.label());
          }
          result = input.next(record);
        }
        inputFormat = input.reader().format().name().toLowerCase(Locale.ROOT);
        output.finish(decapsulator.streams());
      }
    }
    if (settings.statsJson() != null) {
      statistics.writeJson(
          settings.statsJson(), settings.input(), inputFormat, decapsulator.streams());
    }
    err.println("decap: " + statistics.summary());
    err.flush();
  }

  private static ScatteringByteChannel openInput(String input) {
    if (input.equals(DecapSettings.STANDARD_STREAM)) {
      return new FileInputStream(FileDescriptor.in).getChannel();
    }
    try {
      return FileChannel.open(Path.of(input), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new UserFacingException(input + ": no such file");
    } catch (IOException e) {
      throw new UserFacingException(input + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  private static FrameOutput openOutput(DecapSettings settings) throws IOException {
    GatheringByteChannel channel;
    if (settings.output().equals(DecapSettings.STANDARD_STREAM)) {
      channel = new FileOutputStream(FileDescriptor.out).getChannel();
    } else {
      try {
        channel =
            FileChannel.open(
                Path.of(settings.output()),
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new UserFacingException(
            settings.output() + ": cannot write (" + e.getMessage() + ")", e);
      }
    }
    OutputChannel out = new OutputChannel(channel);
    return switch (settings.format()) {
      case PCAPNG -> new PcapngFrameOutput(out, "tapwire decap");
      case PCAP -> new PcapFrameOutput(out);
    };
  }
}

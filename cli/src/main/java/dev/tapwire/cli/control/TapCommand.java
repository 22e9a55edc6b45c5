package dev.tapwire.cli.control;

import dev.tapwire.cli.UserFacingException;
import dev.tapwire.proto.v1.AdminServiceGrpc;
import dev.tapwire.proto.v1.TapFrame;
import dev.tapwire.proto.v1.TapInterface;
import dev.tapwire.proto.v1.TapRequest;
import dev.tapwire.proto.v1.TapResponse;
import dev.tapwire.wire.pcapng.EnhancedPacketBlock;
import dev.tapwire.wire.pcapng.InterfaceDescription;
import dev.tapwire.wire.pcapng.InterfaceDescriptionBlock;
import dev.tapwire.wire.pcapng.SectionHeaderBlock;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tapwire tap}: live frames from a collector, as they leave its merge stage, written as
 * pcapng (one interface per source) to a file or to standard output for Wireshark or tshark.
 */
@Command(
    name = "tap",
    mixinStandardHelpOptions = true,
    description = {
      "Streams merged frames live from a collector and writes them as pcapng: one interface"
          + " block per source (agent interface or foreign tunnel), nanosecond timestamps,"
          + " original lengths and directions, frames byte for byte.",
      "  tapwire tap -w - | wireshark -k -i -",
      "  tapwire tap --agent web-1-3fa2c1 -c 100 -w web.pcapng tcp port 443",
      "A client that reads too slowly loses frames at the collector (counted, reported at the"
          + " end); the collector's other outputs are never slowed down."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the tap ended (count reached, --duration over, or the reader went away)",
      "1:the collector could not be reached or refused the tap (bad filter, unknown agent)"
    })
public final class TapCommand implements Callable<Integer> {
  private static final int FLUSH_BYTES = 1 << 20;

  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  @Option(names = "--agent", paramLabel = "ID", description = "Only frames from this agent.")
  String agentId = "";

  @Option(names = "--host", paramLabel = "NAME", description = "Only frames from this host.")
  String hostName = "";

  @Option(
      names = "--session",
      paramLabel = "N",
      description = "Only frames of this session id, VNI or GRE key (repeatable).")
  List<Integer> sessions = List.of();

  @Option(
      names = "--source",
      paramLabel = "ADDR",
      description = "Only frames whose tunnel packets came from this address.")
  String source = "";

  @Option(names = "-c", paramLabel = "COUNT", description = "Stop after COUNT frames.")
  long count;

  @Option(names = "-s", paramLabel = "SNAPLEN", description = "Bytes of each frame (0: all).")
  int snapLenBytes;

  @Option(
      names = "-w",
      required = true,
      paramLabel = "FILE",
      description = "pcapng file to write, - for standard output.")
  String output;

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      defaultValue = "86400",
      description = "End the tap after this long (the call's deadline; default ${DEFAULT-VALUE}).")
  long durationSeconds = 86_400;

  @Parameters(paramLabel = "BPF", description = "Filter on the frames, pcap-filter(7) syntax.")
  List<String> filter = List.of();

  /** Where {@code -w -} writes; replaced in tests. */
  OutputStream standardOutput = System.out;

  @Override
  public Integer call() throws IOException {
    if (count < 0 || snapLenBytes < 0) {
      throw new UserFacingException("-c and -s must not be negative");
    }
    TapRequest request =
        TapRequest.newBuilder()
            .setAgentId(agentId)
            .setHostName(hostName)
            .addAllSessionIds(sessions)
            .setOuterSourceAddress(source)
            .setBpfFilter(String.join(" ", filter))
            .setMaxFrames(count)
            .setSnapLenBytes(snapLenBytes)
            .build();
    boolean toStdout = output.equals("-");
    OutputStream out = toStdout ? standardOutput : Files.newOutputStream(Path.of(output));
    Summary summary;
    try (PcapngStream pcapng = new PcapngStream(out, !toStdout)) {
      summary =
          ControlCalls.with(
              control,
              channel -> {
                Iterator<TapResponse> responses =
                    AdminServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(durationSeconds, TimeUnit.SECONDS)
                        .tap(request);
                return copy(responses, pcapng);
              });
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "tap: "
            + summary.frames
            + " frames from "
            + summary.sources
            + " sources"
            + (summary.slowDropped > 0
                ? "; " + summary.slowDropped + " lost because this client read too slowly"
                : "")
            + (summary.readerGone ? "; output closed" : ""));
    err.flush();
    return 0;
  }

  private record Summary(long frames, int sources, long slowDropped, boolean readerGone) {}

  private static Summary copy(Iterator<TapResponse> responses, PcapngStream pcapng) {
    long frames = 0;
    int sources = 0;
    long slow = 0;
    try {
      while (responses.hasNext()) {
        TapResponse response = responses.next();
        for (TapInterface i : response.getInterfacesList()) {
          pcapng.interfaceBlock(i);
          sources++;
        }
        for (TapFrame f : response.getFramesList()) {
          pcapng.frame(f);
          frames++;
        }
        slow = response.getSlowReaderDroppedFrames();
        pcapng.flush();
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
        throw e; // --duration ending the tap is the normal end
      }
    } catch (IOException e) {
      return new Summary(frames, sources, slow, true); // e.g. tshark exited: stop quietly
    }
    return new Summary(frames, sources, slow, false);
  }

  /** Writes a pcapng section: header, then interface and packet blocks, in large writes. */
  static final class PcapngStream implements AutoCloseable {
    private final OutputStream out;
    private final boolean closeOut;
    private final ByteBuf buffer = Unpooled.buffer(2 * FLUSH_BYTES);
    private boolean broken;

    PcapngStream(OutputStream out, boolean closeOut) {
      this.out = out;
      this.closeOut = closeOut;
      SectionHeaderBlock.write(
          buffer,
          null,
          System.getProperty("os.name") + " " + System.getProperty("os.version"),
          "tapwire tap");
    }

    void interfaceBlock(TapInterface i) {
      InterfaceDescriptionBlock.write(
          buffer,
          InterfaceDescription.builder(
                  i.getLinkTypeValue() == 0 ? 1 : i.getLinkTypeValue(),
                  i.getSnapLenBytes() == 0 ? 262_144 : i.getSnapLenBytes())
              .name(
                  i.getInterfaceName().isEmpty()
                      ? "tap" + i.getInterfaceId()
                      : i.getInterfaceName())
              .description(i.getDescription())
              .build());
    }

    void frame(TapFrame f) throws IOException {
      ByteBuf data = Unpooled.wrappedBuffer(f.getData().asReadOnlyByteBuffer());
      int block =
          EnhancedPacketBlock.begin(
              buffer,
              f.getInterfaceId(),
              f.getCaptureTimeUnixNanos(),
              data,
              data.readerIndex(),
              data.readableBytes(),
              Math.max(f.getOriginalLengthBytes(), data.readableBytes()));
      int direction = f.getFlags() & 3; // FrameFlag INBOUND=1, OUTBOUND=2 equal epb_flags
      if (direction != 0) {
        EnhancedPacketBlock.writeFlags(buffer, direction);
      }
      EnhancedPacketBlock.end(buffer, block);
      if (buffer.readableBytes() >= FLUSH_BYTES) {
        flush();
      }
    }

    void flush() throws IOException {
      try {
        buffer.readBytes(out, buffer.readableBytes());
        buffer.clear();
        out.flush();
      } catch (IOException e) {
        broken = true; // the reader went away; nothing more can be written
        throw e;
      }
    }

    @Override
    public void close() throws IOException {
      try {
        if (!broken) {
          flush();
        }
      } finally {
        buffer.release();
        if (closeOut) {
          out.close();
        }
      }
    }
  }
}

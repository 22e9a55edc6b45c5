package dev.tapwire.cli.decap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapwire.cli.TapwireCli;
import dev.tapwire.testkit.Capinfos;
import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.ExternalTool;
import dev.tapwire.testkit.RealCaptures;
import dev.tapwire.testkit.Tshark;
import dev.tapwire.wire.capture.CaptureFileReader;
import dev.tapwire.wire.pcap.CaptureReadResult;
import dev.tapwire.wire.pcap.CaptureRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class DecapCommandTest {
  @TempDir Path dir;
  private final StringWriter err = new StringWriter();

  private int decap(String... args) {
    CommandLine commandLine = TapwireCli.newCommandLine();
    commandLine.setErr(new PrintWriter(err, true));
    String[] full = new String[args.length + 1];
    full[0] = "decap";
    System.arraycopy(args, 0, full, 1, args.length);
    return commandLine.execute(full);
  }

  private static List<byte[]> frames(Path capture) throws IOException {
    ByteBuf bytes = Unpooled.wrappedBuffer(Files.readAllBytes(capture));
    CaptureFileReader reader = new CaptureFileReader();
    CaptureRecord record = new CaptureRecord();
    List<byte[]> frames = new ArrayList<>();
    CaptureReadResult result;
    while ((result = reader.next(bytes, record)) != CaptureReadResult.NEED_MORE_DATA) {
      if (result == CaptureReadResult.RECORD) {
        frames.add(
            ByteBufUtil.getBytes(record.data(), record.dataOffset(), record.capturedLength()));
      } else if (result.isError()) {
        throw new AssertionError("output unreadable: " + result.label());
      }
    }
    assertThat(reader.finish(bytes)).isEqualTo(CaptureReadResult.END_OF_INPUT);
    return frames;
  }

  private JsonNode stats(Path json) throws IOException {
    return new ObjectMapper().readTree(json.toFile());
  }

  /** Frame counts per real capture: every tunnelled packet once, nothing else. */
  @ParameterizedTest
  @CsvSource({
    "tcpdump/erspan-type-i-3.pcap, 1",
    "tcpdump/erspan-type-i-4.pcap, 88",
    "tcpdump/erspan-type-ii-1.pcap, 1",
    "tcpdump/erspan-type-ii-2.pcap, 16",
    "tcpdump/erspan-type-ii-3.pcap, 108",
    "tcpdump/erspan-type-iii-ft-0.pcap, 9",
    "tcpdump/erspan-type-iii-ft-7.pcap, 58",
    "tcpdump/vxlan.pcap, 10",
    "tcpdump/pptp.pcap, 0",
    "zeek/erspanI.pcap, 10",
    "zeek/erspanIII.pcap, 2",
    "zeek/gre-erspan3-dot1q.pcap, 2",
    "zeek/gre-over-udp-4754.pcap, 14",
  })
  void writesEveryInnerFrameOnceReadableByTshark(String capture, int expectedFrames)
      throws IOException {
    Path out = dir.resolve("out.pcapng");
    Path json = dir.resolve("stats.json");
    assertThat(
            decap(
                "-r",
                RealCaptures.file(capture).toString(),
                "-w",
                out.toString(),
                "--stats-json",
                json.toString()))
        .as(err.toString())
        .isZero();
    assertThat(frames(out)).hasSize(expectedFrames);
    assertThat(Capinfos.packetCount(out)).isEqualTo(expectedFrames);
    JsonNode stats = stats(json);
    assertThat(stats.get("frames_written").asLong()).isEqualTo(expectedFrames);
    long records = stats.get("records_read").asLong();
    assertThat(
            stats.get("frames_decapsulated").asLong()
                + stats.get("skipped_packets").asLong()
                + stats.get("invalid_packets").asLong()
                + stats.get("outer_fragments").get("records").asLong())
        .as("every record is accounted for")
        .isEqualTo(records);
  }

  /**
   * Independent oracle: the fields tshark decodes from our output frames equal the fields it
   * decodes from the innermost layer of the input packets.
   */
  @ParameterizedTest
  @CsvSource({
    "tcpdump/erspan-type-ii-2.pcap, erspan",
    "tcpdump/erspan-type-ii-3.pcap, erspan",
    "tcpdump/vxlan.pcap, vxlan",
    "zeek/erspanIII.pcap, erspan",
    "zeek/erspanI.pcap, erspan",
  })
  void innerFramesDecodeAsTsharkDecodesTheInnerLayer(String capture, String displayFilter)
      throws IOException {
    Path input = RealCaptures.file(capture);
    Path out = dir.resolve("out.pcapng");
    assertThat(decap("-r", input.toString(), "-w", out.toString())).isZero();
    // eth.type is absent from 802.3/LLC inner frames (STP), so only the addresses are compared.
    String[] fields = {"eth.src", "eth.dst"};
    List<List<String>> expected = new ArrayList<>();
    for (List<String> row : tsharkFiltered(input, displayFilter, fields)) {
      List<String> innermost = new ArrayList<>();
      for (String value : row) {
        String[] occurrences = value.split(",");
        innermost.add(occurrences[occurrences.length - 1]);
      }
      expected.add(innermost);
    }
    List<List<String>> actual = Tshark.fields(out, fields);
    assertThat(actual).isNotEmpty().isEqualTo(expected);
  }

  private static List<List<String>> tsharkFiltered(Path capture, String filter, String... fields) {
    List<String> args = new ArrayList<>(List.of("-r", capture.toString(), "-Y", filter));
    args.addAll(List.of("-T", "fields", "-E", "separator=/t"));
    for (String field : fields) {
      args.add("-e");
      args.add(field);
    }
    Exec.Result result = ExternalTool.run(ExternalTool.DEFAULT_TIMEOUT, "tshark", args);
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    List<List<String>> rows = new ArrayList<>();
    for (String line : result.stdoutLines()) {
      rows.add(List.of(line.split("\t", -1)));
    }
    return rows;
  }

  @Test
  void interfacesNameTheSourceAndSession() throws IOException {
    Path out = dir.resolve("out.pcapng");
    assertThat(
            decap(
                "-r", RealCaptures.file("tcpdump/erspan-type-ii-2.pcap").toString(),
                "-w", out.toString()))
        .isZero();
    assertThat(Capinfos.interfaceNames(out))
        .containsExactlyInAnyOrder("192.168.195.67/erspan_ii-1", "192.168.195.73/erspan_ii-1");
  }

  @Test
  void reassemblesOuterFragmentsOfTheTebCapture() throws IOException {
    Path out = dir.resolve("out.pcapng");
    Path json = dir.resolve("stats.json");
    assertThat(
            decap(
                "-r", RealCaptures.file("zeek/erspan.pcap").toString(),
                "-w", out.toString(),
                "--stats-json", json.toString()))
        .isZero();
    JsonNode stats = stats(json);
    JsonNode fragments = stats.get("outer_fragments");
    assertThat(fragments.get("records").asLong()).isEqualTo(55);
    assertThat(fragments.get("datagrams_reassembled").asLong()).isEqualTo(16);
    long reassembled = fragments.get("datagrams_reassembled").asLong();
    assertThat(reassembled).isPositive();
    assertThat(stats.get("frames_written").asLong())
        .isEqualTo(
            287
                - 55
                + reassembled
                - stats.get("skipped_packets").asLong()
                - stats.get("invalid_packets").asLong());
    // The 16 reassembled datagrams each carry one large (offloaded) TEB frame that no single
    // fragment could hold.
    assertThat(frames(out)).filteredOn(frame -> frame.length > 1500).hasSize(16);
  }

  @Test
  void countsSequenceGapsAndWritesThemAsDropCounts() throws IOException {
    List<byte[]> packets = new ArrayList<>();
    long[] sequences = {0xFFFF_FFFDL, 0xFFFF_FFFEL, 0xFFFF_FFFFL, 1, 2, 5};
    for (int i = 0; i < sequences.length; i++) {
      packets.add(
          SyntheticCaptures.erspanTwo(1, 101, sequences[i], SyntheticCaptures.innerFrame(i)));
    }
    Path input = SyntheticCaptures.writePcap(dir.resolve("gaps.pcap"), packets);
    Path out = dir.resolve("out.pcapng");
    Path json = dir.resolve("stats.json");
    assertThat(decap("-r", input.toString(), "-w", out.toString(), "--stats-json", json.toString()))
        .isZero();
    JsonNode stream = stats(json).get("streams").get(0);
    assertThat(stream.get("session").asInt()).isEqualTo(101);
    assertThat(stream.get("sequence_gap_events").asLong()).isEqualTo(2);
    assertThat(stream.get("missing_sequence_numbers").asLong()).isEqualTo(3);
    assertThat(Tshark.field(out, "frame.drop_count")).containsExactly("", "", "", "1", "", "2");
  }

  @Test
  void sharedCounterAcrossSessionsIsNotLoss() throws IOException {
    List<byte[]> packets = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int session = i % 2 == 0 ? 10 : 11;
      packets.add(
          SyntheticCaptures.erspanTwo(1, session, 1000 + i, SyntheticCaptures.innerFrame(i)));
    }
    Path input = SyntheticCaptures.writePcap(dir.resolve("shared.pcap"), packets);
    Path json = dir.resolve("stats.json");
    assertThat(
            decap(
                "-r", input.toString(),
                "-w", dir.resolve("out.pcapng").toString(),
                "--stats-json", json.toString()))
        .isZero();
    for (JsonNode stream : stats(json).get("streams")) {
      assertThat(stream.get("frames").asLong()).isEqualTo(10);
      assertThat(stream.get("missing_sequence_numbers").asLong()).isZero();
    }
  }

  @Test
  void framesAreWrittenByteForByteWithTheOuterTime() throws IOException {
    List<byte[]> packets = new ArrayList<>();
    List<byte[]> inner = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      inner.add(SyntheticCaptures.innerFrame(0xC0DE00 + i));
      packets.add(SyntheticCaptures.erspanTwo(2, 7, i, inner.get(i)));
    }
    Path input = SyntheticCaptures.writePcap(dir.resolve("in.pcap"), packets);
    Path out = dir.resolve("out.pcap");
    assertThat(decap("-r", input.toString(), "-w", out.toString(), "--format", "pcap")).isZero();
    assertThat(frames(out)).containsExactlyElementsOf(inner);
    assertThat(Tshark.field(out, "frame.time_epoch").get(3)).startsWith("1700000000.000003");
  }

  @Test
  void ipInnerFramesAreCountedWhenPcapCannotHoldThem() throws IOException {
    Path json = dir.resolve("stats.json");
    assertThat(
            decap(
                "-r", RealCaptures.file("zeek/gre-over-udp-4754.pcap").toString(),
                "-w", dir.resolve("out.pcap").toString(),
                "--format", "pcap",
                "--stats-json", json.toString()))
        .isZero();
    JsonNode stats = stats(json);
    assertThat(stats.get("frames_written").asLong()).isZero();
    assertThat(stats.get("frames_not_written_by_reason").get("inner_ipv4_in_pcap").asLong())
        .isEqualTo(14);
  }

  @Test
  void unusableInputIsOneClearLineAndLeavesTheOutputAlone() throws IOException {
    Path notCapture = Files.writeString(dir.resolve("notes.txt"), "these are not packets\n");
    Path out = Files.writeString(dir.resolve("precious.pcapng"), "keep me");
    assertThat(decap("-r", notCapture.toString(), "-w", out.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("is not a usable pcap or pcapng file (bad_magic)");
    assertThat(Files.readString(out)).isEqualTo("keep me");

    err.getBuffer().setLength(0);
    assertThat(decap("-r", dir.resolve("missing.pcap").toString(), "-w", out.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("missing.pcap: no such file");
  }

  @Test
  void truncatedInputKeepsEverythingBefore() throws IOException {
    byte[] whole = Files.readAllBytes(RealCaptures.file("tcpdump/erspan-type-ii-3.pcap"));
    Path cut = dir.resolve("cut.pcap");
    Files.write(cut, Arrays.copyOf(whole, whole.length - 10));
    Path out = dir.resolve("out.pcapng");
    assertThat(decap("-r", cut.toString(), "-w", out.toString())).isZero();
    assertThat(err.toString()).contains("input ends early after 107 records");
    assertThat(frames(out)).hasSize(107);
  }

  @Test
  void badOptionsAreUsageErrorsNamingTheOption() {
    assertThat(decap("-r", "a", "-w", "b", "--vxlan-port", "70000")).isEqualTo(2);
    assertThat(err.toString()).contains("--vxlan-port 70000 is not a UDP port");
    assertThat(decap("-r", "a", "-w", "b", "--format", "json")).isEqualTo(2);
    assertThat(err.toString()).contains("'json' is not a format");
  }
}

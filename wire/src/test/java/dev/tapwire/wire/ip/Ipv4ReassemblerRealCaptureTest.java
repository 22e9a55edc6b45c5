package dev.tapwire.wire.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tapwire.wire.ip.Ipv4Reassembler.Result;
import dev.tapwire.wire.ip.testing.TestPcapFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Reassembles the outer IPv4 fragments of {@code zeek/erspan.pcap} (GRE TEB with key, 1514-byte
 * inner frames) and compares every datagram with tshark's own reassembly.
 */
class Ipv4ReassemblerRealCaptureTest {
  private static final int ETHERNET_HEADER = 14;
  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int GRE_KEY = 0x2000;
  private static final int GRE_TEB = 0x6558;

  /** A reassembled datagram: the pcap record (1-based frame number) that completed it. */
  record Reassembled(int frameNumber, byte[] payload) {}

  @Test
  void reassemblesEveryFragmentedDatagramLikeTshark() throws Exception {
    Path file = TestPcapFile.realCapture("zeek/erspan.pcap");
    TestPcapFile pcap = TestPcapFile.read(file);
    assertThat(pcap.linkType()).isEqualTo(TestPcapFile.LINKTYPE_ETHERNET);
    assertThat(pcap.records()).hasSize(287);

    Ipv4Reassembler reassembler = new Ipv4Reassembler(64, 65535, 30_000_000_000L, 64);
    List<Reassembled> ours = new ArrayList<>();
    int fragmentRecords = 0;
    int withMoreFragments = 0;
    for (TestPcapFile.Record record : pcap.records()) {
      ByteBuf frame = Unpooled.wrappedBuffer(record.data());
      if (frame.getUnsignedShort(12) != ETHERTYPE_IPV4
          || !Ipv4Header.isFragment(frame, ETHERNET_HEADER)) {
        continue;
      }
      fragmentRecords++;
      if (Ipv4Header.moreFragments(frame, ETHERNET_HEADER)) {
        withMoreFragments++;
      }
      Result result =
          reassembler.offer(
              frame, ETHERNET_HEADER, frame.capacity() - ETHERNET_HEADER, record.timestampNs());
      assertThat(result).as("record %d", record.index() + 1).isIn(Result.BUFFERED, Result.COMPLETE);
      if (result == Result.COMPLETE) {
        ByteBuf datagram = reassembler.completedDatagram();
        assertGrePayloadComplete(datagram);
        int headerLength = Ipv4Header.headerLengthBytes(datagram, datagram.readerIndex());
        ours.add(
            new Reassembled(
                record.index() + 1,
                ByteBufUtil.getBytes(
                    datagram,
                    datagram.readerIndex() + headerLength,
                    datagram.readableBytes() - headerLength)));
      }
    }

    // The README's "39 fragment records" counts the records with MF set; with the final
    // fragments (MF clear, offset != 0) there are 55 records in 16 datagrams.
    assertThat(withMoreFragments).isEqualTo(39);
    assertThat(fragmentRecords).isEqualTo(55);
    assertThat(ours).hasSize(16);
    assertThat(reassembler.fragmentsReassembled()).isEqualTo(55);
    assertThat(reassembler.partialDatagrams()).isZero();

    List<Reassembled> oracle = tsharkReassembly(file);
    assertThat(ours).hasSameSizeAs(oracle);
    for (int i = 0; i < oracle.size(); i++) {
      assertThat(ours.get(i).frameNumber()).isEqualTo(oracle.get(i).frameNumber());
      assertThat(ours.get(i).payload())
          .as("payload of the datagram completed in frame %d", oracle.get(i).frameNumber())
          .isEqualTo(oracle.get(i).payload());
    }
  }

  /**
   * The reassembled datagram carries GRE (key, TEB) and a whole inner Ethernet frame whose IPv4
   * total length accounts for every remaining byte.
   */
  private static void assertGrePayloadComplete(ByteBuf datagram) {
    int ip = datagram.readerIndex();
    assertThat(Ipv4Header.validate(datagram, ip, datagram.readableBytes()))
        .isEqualTo(Ipv4Header.VALID);
    assertThat(Ipv4Header.isFragment(datagram, ip)).isFalse();
    assertThat(Ipv4Header.protocol(datagram, ip)).isEqualTo(IpProtocol.GRE);
    int ipHeader = Ipv4Header.headerLengthBytes(datagram, ip);
    assertThat(InternetChecksum.compute(datagram, ip, ipHeader)).isZero();
    int gre = ip + ipHeader;
    assertThat(datagram.getUnsignedShort(gre)).isEqualTo(GRE_KEY);
    assertThat(datagram.getUnsignedShort(gre + 2)).isEqualTo(GRE_TEB);
    int inner = gre + 8;
    assertThat(datagram.getUnsignedShort(inner + 12)).isEqualTo(ETHERTYPE_IPV4);
    int innerIp = inner + ETHERNET_HEADER;
    assertThat(innerIp + Ipv4Header.totalLengthBytes(datagram, innerIp))
        .isEqualTo(datagram.writerIndex());
  }

  /** tshark's IPv4 reassembly: frame number and reassembled payload, in file order. */
  private static List<Reassembled> tsharkReassembly(Path file)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(
                "tshark",
                "-n",
                "-o",
                "ip.defragment:TRUE",
                "-r",
                file.toString(),
                "-Y",
                "ip.reassembled.length",
                "-T",
                "fields",
                "-e",
                "frame.number",
                "-e",
                "ip.reassembled.data")
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    Path output = Files.createTempFile("tshark-reassembly", ".txt");
    builder.redirectOutput(output.toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      Files.deleteIfExists(output);
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("tshark is required under CI", e);
      }
      assumeTrue(false, "tshark not installed: " + e.getMessage());
      return List.of();
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("tshark timed out");
    }
    assertThat(process.exitValue()).as("tshark exit status").isZero();
    byte[] out = Files.readAllBytes(output);
    Files.delete(output);
    List<Reassembled> result = new ArrayList<>();
    for (String line : new String(out, StandardCharsets.US_ASCII).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.strip().split("\t");
      result.add(new Reassembled(Integer.parseInt(fields[0]), HexFormat.of().parseHex(fields[1])));
    }
    return result;
  }
}

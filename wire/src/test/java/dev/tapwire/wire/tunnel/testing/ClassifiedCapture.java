package dev.tapwire.wire.tunnel.testing;

import dev.tapwire.wire.tunnel.DecodedFrame;
import dev.tapwire.wire.tunnel.Encapsulation;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import dev.tapwire.wire.tunnel.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Every record of a real capture classified with {@link TunnelClassifier#classifyLinkLayer}. */
public final class ClassifiedCapture {
  /** One classified record; {@code frame} is owned by this packet (tests may allocate). */
  public record Packet(int number, TestPcapFile.Record record, ByteBuf buf, DecodedFrame frame) {
    /** The inner frame bytes (a copy, for assertions). */
    public byte[] inner() {
      return ByteBufUtil.getBytes(buf, frame.innerOffset(), frame.innerLength());
    }

    /** The inner frame as lower-case hex. */
    public String innerHex() {
      return ByteBufUtil.hexDump(buf, frame.innerOffset(), frame.innerLength());
    }

    public String outerSource() {
      return address(frame.outerSourceAddress(), frame.addressLength());
    }

    public String outerDestination() {
      return address(frame.outerDestinationAddress(), frame.addressLength());
    }

    private static String address(byte[] a, int length) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < length; i++) {
        sb.append(i == 0 ? "" : ".").append(a[i] & 0xFF);
      }
      return sb.toString();
    }
  }

  private final String name;
  private final TestPcapFile file;
  private final List<Packet> packets;

  private ClassifiedCapture(String name, TestPcapFile file, List<Packet> packets) {
    this.name = name;
    this.file = file;
    this.packets = packets;
  }

  /** Reads {@code relative} under the real-capture directory and classifies every record. */
  public static ClassifiedCapture of(String relative) {
    return of(relative, new TunnelClassifier());
  }

  public static ClassifiedCapture of(String relative, TunnelClassifier classifier) {
    TestPcapFile file;
    try {
      file = TestPcapFile.read(RealCaptures.path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Packet> packets = new ArrayList<>();
    int number = 1;
    for (TestPcapFile.Record record : file.records()) {
      ByteBuf buf = Unpooled.wrappedBuffer(record.data());
      DecodedFrame frame = new DecodedFrame();
      classifier.classifyLinkLayer(file.linkType(), buf, 0, record.data().length, frame);
      packets.add(new Packet(number++, record, buf, frame));
    }
    return new ClassifiedCapture(relative, file, List.copyOf(packets));
  }

  public String name() {
    return name;
  }

  public TestPcapFile file() {
    return file;
  }

  public List<Packet> packets() {
    return packets;
  }

  public List<Packet> frames() {
    return packets.stream().filter(p -> p.frame().verdict() == Verdict.FRAME).toList();
  }

  /** "verdict/reason" or "frame/encapsulation" -&gt; count, sorted. */
  public Map<String, Integer> summary() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Packet p : packets) {
      DecodedFrame f = p.frame();
      String key =
          f.verdict() == Verdict.FRAME
              ? "frame/" + f.encapsulation().label()
              : f.verdict().label() + "/" + f.reason().label();
      counts.merge(key, 1, Integer::sum);
    }
    return counts;
  }

  /** Frames per encapsulation, in encounter order. */
  public Map<Encapsulation, Integer> framesByEncapsulation() {
    Map<Encapsulation, Integer> counts = new LinkedHashMap<>();
    for (Packet p : frames()) {
      counts.merge(p.frame().encapsulation(), 1, Integer::sum);
    }
    return counts;
  }
}

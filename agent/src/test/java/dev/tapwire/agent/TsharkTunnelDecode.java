package dev.tapwire.agent;

import dev.tapwire.testkit.ExternalTool;
import dev.tapwire.testkit.TcpdumpCapture;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.SAXParserFactory;
import org.junit.jupiter.api.Assertions;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.helpers.DefaultHandler;

/**
 * tshark as the independent decoder of what arrived at the collector: its PDML gives every tunnel
 * field and where tshark starts the inner Ethernet frame; the inner frame runs from there to the
 * end of the outer IP packet.
 */
final class TsharkTunnelDecode {
  /** One tunnel packet as tshark decoded it. */
  record Packet(byte[] inner, Map<String, String> fields) {
    long number(String field) {
      String text = fields.get(field);
      if (text == null) {
        throw new AssertionError("tshark shows no " + field + " in " + fields);
      }
      return text.startsWith("0x") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
    }
  }

  private TsharkTunnelDecode() {}

  static List<Packet> decode(Path pcap) {
    dev.tapwire.testkit.Exec.Result result =
        ExternalTool.run(
            ExternalTool.DEFAULT_TIMEOUT,
            "tshark",
            List.of(
                "-n",
                "-r",
                pcap.toString(),
                "-T",
                "pdml",
                "-o",
                "ip.defragment:FALSE",
                "-o",
                "udp.check_checksum:TRUE",
                "-o",
                "ip.check_checksum:TRUE"));
    Assertions.assertEquals(0, result.exitCode(), () -> "tshark failed: " + result.stderr());
    List<PacketPositions> positions = parse(result.stdout());
    List<TcpdumpCapture.Frame> frames = TcpdumpCapture.readFrames(pcap);
    Assertions.assertEquals(frames.size(), positions.size(), "tshark and pcap disagree on count");
    List<Packet> packets = new ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      byte[] outer = frames.get(i).data();
      PacketPositions p = positions.get(i);
      if (p.innerEthernet < 0) {
        throw new AssertionError(
            "tshark found no inner Ethernet frame in packet " + (i + 1) + ": " + p.fields);
      }
      int end = outerIpEnd(outer);
      byte[] inner = new byte[end - p.innerEthernet];
      System.arraycopy(outer, p.innerEthernet, inner, 0, inner.length);
      packets.add(new Packet(inner, p.fields));
    }
    return packets;
  }

  private static int outerIpEnd(byte[] outer) {
    int etherType = ((outer[12] & 0xff) << 8) | (outer[13] & 0xff);
    if (etherType == 0x0800) {
      return 14 + (((outer[16] & 0xff) << 8) | (outer[17] & 0xff));
    }
    return 14 + 40 + (((outer[18] & 0xff) << 8) | (outer[19] & 0xff));
  }

  private static final class PacketPositions {
    int ethernetCount;
    int innerEthernet = -1;
    final Map<String, String> fields = new HashMap<>();
  }

  private static List<PacketPositions> parse(String pdml) {
    List<PacketPositions> packets = new ArrayList<>();
    try {
      SAXParserFactory factory = SAXParserFactory.newInstance();
      factory
          .newSAXParser()
          .parse(
              new InputSource(new StringReader(pdml)),
              new DefaultHandler() {
                PacketPositions current;

                @Override
                public void startElement(String uri, String local, String name, Attributes a) {
                  switch (name) {
                    case "packet" -> current = new PacketPositions();
                    case "proto" -> {
                      if ("eth".equals(a.getValue("name"))) {
                        current.ethernetCount++;
                        if (current.ethernetCount == 2) {
                          current.innerEthernet = Integer.parseInt(a.getValue("pos"));
                        }
                      }
                    }
                    case "field" -> {
                      String field = a.getValue("name");
                      if (field != null && current.ethernetCount < 2) {
                        current.fields.putIfAbsent(field, a.getValue("show"));
                      }
                    }
                    default -> {}
                  }
                }

                @Override
                public void endElement(String uri, String local, String name) {
                  if (name.equals("packet")) {
                    packets.add(current);
                  }
                }
              });
    } catch (Exception e) {
      throw new AssertionError("cannot parse tshark PDML", e);
    }
    return packets;
  }
}

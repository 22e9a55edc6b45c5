package dev.tapwire.wire.tunnel.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs tshark as an independent oracle and parses its PDML output (per packet: every protocol layer
 * with its byte position and size, and every field's shown value). If tshark is missing the calling
 * test fails when the environment has {@code CI=true} and is skipped otherwise.
 */
public final class TsharkOracle {
  private static final long TIMEOUT_SECONDS = 120;

  /** One {@code <field>} of a layer (nested fields are flattened into their layer). */
  public record Field(String name, String show, int pos, int size) {}

  /** One {@code <proto>}: a protocol layer at byte {@code pos} of the frame. */
  public record Proto(String name, int pos, int size, List<Field> fields) {
    /** The first field called {@code name} in this layer, or null. */
    public Field field(String fieldName) {
      for (Field f : fields) {
        if (f.name().equals(fieldName)) {
          return f;
        }
      }
      return null;
    }
  }

  /** One dissected packet. */
  public record Packet(List<Proto> protos) {
    /** The {@code occurrence}-th (0-based) layer called {@code name}, or null. */
    public Proto proto(String name, int occurrence) {
      int seen = 0;
      for (Proto p : protos) {
        if (p.name().equals(name) && seen++ == occurrence) {
          return p;
        }
      }
      return null;
    }

    /** The first field called {@code name} in any layer, or null. */
    public Field field(String name) {
      for (Proto p : protos) {
        Field f = p.field(name);
        if (f != null) {
          return f;
        }
      }
      return null;
    }

    /** The index of layer {@code proto} in {@link #protos()}. */
    public int indexOf(Proto proto) {
      return protos.indexOf(proto);
    }
  }

  private TsharkOracle() {}

  /** Skips (or, under CI=true, fails) the calling test when tshark cannot be run. */
  public static void assumeAvailable() {
    String problem = availabilityProblem();
    if (problem == null) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("tshark is required under CI=true: " + problem);
    }
    Assumptions.abort("tshark not available: " + problem);
  }

  private static String availabilityProblem() {
    try {
      Process process =
          new ProcessBuilder("tshark", "--version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "tshark --version timed out";
      }
      return process.exitValue() == 0 ? null : "tshark --version exited " + process.exitValue();
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * Dissects {@code capture} with {@code tshark -n -r capture -T pdml} plus {@code options} (e.g.
   * {@code "-o", "ip.defragment:FALSE"}).
   */
  public static List<Packet> pdml(Path capture, String... options) throws IOException {
    assumeAvailable();
    List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString()));
    command.addAll(List.of(options));
    command.addAll(List.of("-T", "pdml"));
    Path output = Files.createTempFile("tshark-", ".pdml");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(output.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("timed out after " + TIMEOUT_SECONDS + " s: " + command);
      }
      if (process.exitValue() != 0) {
        throw new IOException("exit " + process.exitValue() + ": " + command);
      }
      try (InputStream in = Files.newInputStream(output)) {
        return parse(in);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static List<Packet> parse(InputStream in) throws IOException {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    List<Packet> packets = new ArrayList<>();
    try {
      XMLStreamReader xml = factory.createXMLStreamReader(in);
      List<Proto> protos = null;
      Deque<List<Field>> openProtos = new ArrayDeque<>();
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamConstants.START_ELEMENT) {
          switch (xml.getLocalName()) {
            case "packet" -> protos = new ArrayList<>();
            case "proto" -> {
              List<Field> fields = new ArrayList<>();
              protos.add(
                  new Proto(
                      attribute(xml, "name"),
                      intAttribute(xml, "pos"),
                      intAttribute(xml, "size"),
                      fields));
              openProtos.push(fields);
            }
            case "field" -> {
              if (!openProtos.isEmpty()) {
                openProtos
                    .peek()
                    .add(
                        new Field(
                            attribute(xml, "name"),
                            attribute(xml, "show"),
                            intAttribute(xml, "pos"),
                            intAttribute(xml, "size")));
              }
            }
            default -> {}
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          switch (xml.getLocalName()) {
            case "packet" -> {
              packets.add(new Packet(List.copyOf(protos)));
              protos = null;
            }
            case "proto" -> openProtos.pop();
            default -> {}
          }
        }
      }
      xml.close();
    } catch (XMLStreamException e) {
      throw new IOException("cannot parse tshark PDML", e);
    }
    return packets;
  }

  private static String attribute(XMLStreamReader xml, String name) {
    String value = xml.getAttributeValue(null, name);
    return value == null ? "" : value;
  }

  private static int intAttribute(XMLStreamReader xml, String name) {
    String value = xml.getAttributeValue(null, name);
    if (value == null || value.isEmpty()) {
      return -1;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}

package dev.tapwire.cli.reliability;

import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.testkit.Netns;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One scrape of a {@code /metrics} endpoint on a namespace's loopback, with sums over the samples
 * of a metric whose labels match. The socket is opened on a thread inside the namespace.
 */
record Scrape(List<String> lines) {
  static final int COLLECTOR_PORT = 9460;
  static final int AGENT_PORT = 9461;

  /** Scrapes {@code http://127.0.0.1:port/metrics} in {@code ns}; fails if it does not answer. */
  static Scrape of(Netns ns, int port) {
    try {
      String body = NetworkNamespace.runIn(ns.name(), () -> get(port, "/metrics"));
      if (body == null) {
        throw new AssertionError("/metrics on port " + port + " in " + ns + " is not 200");
      }
      return new Scrape(body.lines().filter(l -> !l.startsWith("#")).toList());
    } catch (Exception e) {
      throw new AssertionError("scrape of port " + port + " in " + ns + ": " + e, e);
    }
  }

  /** Whether {@code /readyz} answers 200. */
  static boolean ready(Netns ns, int port) {
    try {
      return NetworkNamespace.runIn(ns.name(), () -> get(port, "/readyz")) != null;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Sum of the samples of {@code name} whose label text contains every {@code labels} entry ({@code
   * "sink=\"file\""}).
   */
  long sum(String name, String... labels) {
    double total = 0;
    for (String line : lines) {
      int space = line.lastIndexOf(' ');
      String key = line.substring(0, space);
      boolean sameName = key.equals(name) || key.startsWith(name + "{");
      if (!sameName) {
        continue;
      }
      boolean match = true;
      for (String label : labels) {
        match &= key.contains(label);
      }
      if (match) {
        total += Double.parseDouble(line.substring(space + 1));
      }
    }
    return Math.round(total);
  }

  // Collector.
  long decoded() {
    return sum("tapwire_collector_frames_decoded_total");
  }

  long delivered(String sink) {
    return sum("tapwire_collector_frames_delivered_total", "sink=\"" + sink + "\"");
  }

  long sinkDropped(String sink) {
    return sum("tapwire_collector_frames_dropped_total", "stage=\"" + sink + "\"");
  }

  long sinkDropped(String sink, String reason) {
    return sum(
        "tapwire_collector_frames_dropped_total",
        "stage=\"" + sink + "\"",
        "reason=\"" + reason + "\"");
  }

  long collectorDropped() {
    return sum("tapwire_collector_frames_dropped_total");
  }

  long lost() {
    return sum("tapwire_collector_frames_lost_total");
  }

  /** Frames counted lost that arrived later, out of order. */
  long recovered() {
    return sum("tapwire_collector_frames_recovered_total");
  }

  /** The collector's sinks, by the {@code sink} label of the delivered counter. */
  List<String> sinks() {
    String prefix = "tapwire_collector_frames_delivered_total{sink=\"";
    return lines.stream()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length(), l.indexOf('"', prefix.length())))
        .toList();
  }

  /** Every sink has delivered or dropped every decoded frame: decoded = delivered + dropped. */
  boolean sinksBalanced() {
    return sinks().stream().allMatch(s -> delivered(s) + sinkDropped(s) == decoded());
  }

  // Agent.
  long captured() {
    return sum("tapwire_agent_frames_captured_total");
  }

  long sent() {
    return sum("tapwire_agent_frames_sent_total");
  }

  long agentDropped() {
    return sum("tapwire_agent_frames_dropped_total");
  }

  long agentDropped(String reason) {
    return sum("tapwire_agent_frames_dropped_total", "reason=\"" + reason + "\"");
  }

  private static String get(int port, String path) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String response = readAll(socket.getInputStream());
      if (!response.startsWith("HTTP/1.1 200") && !response.startsWith("HTTP/1.0 200")) {
        return null;
      }
      return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
  }

  private static String readAll(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}

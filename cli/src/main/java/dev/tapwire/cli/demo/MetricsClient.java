package dev.tapwire.cli.demo;

import dev.tapwire.netio.NetworkNamespace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads {@code http://127.0.0.1:PORT/PATH} inside a network namespace: the socket is created on a
 * thread that entered the namespace ({@link NetworkNamespace#runIn}), so each namespace's loopback
 * is reached directly. One HTTP/1.0 request per connection, no connection reuse (a cached
 * connection could belong to another namespace's loopback).
 */
final class MetricsClient {
  private static final int MAX_RESPONSE_BYTES = 16 << 20;

  private final Duration timeout;

  MetricsClient(Duration timeout) {
    this.timeout = timeout;
  }

  /** An HTTP response: status code and body. */
  record Response(int status, String body) {}

  /** GET {@code path} from port {@code port} on the loopback of namespace {@code ns}. */
  Response get(String ns, int port, String path) throws IOException {
    try {
      return NetworkNamespace.runIn(ns, () -> fetch(port, path));
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("GET " + path + " in " + ns + ": " + e.getMessage(), e);
    }
  }

  /** The body of {@code /metrics}, or null if the endpoint does not answer 200 (yet). */
  String metricsOrNull(String ns, int port) {
    try {
      Response r = get(ns, port, "/metrics");
      return r.status() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Whether {@code /readyz} answers 200. */
  boolean ready(String ns, int port) {
    try {
      return get(ns, port, "/readyz").status() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private Response fetch(int port, String path) throws IOException {
    try (Socket socket = new Socket()) {
      int timeoutMs = (int) timeout.toMillis();
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = readAll(socket.getInputStream());
      int headerEnd = response.indexOf("\r\n\r\n");
      String[] statusLine = response.substring(0, Math.max(0, response.indexOf("\r\n"))).split(" ");
      if (headerEnd < 0 || statusLine.length < 2) {
        throw new IOException("not an HTTP response from port " + port);
      }
      return new Response(Integer.parseInt(statusLine[1]), response.substring(headerEnd + 4));
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] chunk = new byte[64 * 1024];
    int n;
    while ((n = in.read(chunk)) > 0) {
      bytes.write(chunk, 0, n);
      if (bytes.size() > MAX_RESPONSE_BYTES) {
        throw new IOException("response larger than " + MAX_RESPONSE_BYTES + " bytes");
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}

package dev.tapwire.runtime.metrics;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code /metrics} (Prometheus text), {@code /healthz} (the process runs) and {@code
 * /readyz} (it does its job: sockets open, stages running) on one port.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HTTPServer server;

  private MetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  /**
   * Starts serving.
   *
   * @param bindAddress address to bind to (null for all)
   * @param port TCP port; 0 picks a free one (see {@link #port()})
   */
  public static MetricsEndpoint start(
      InetAddress bindAddress,
      int port,
      PrometheusRegistry registry,
      BooleanSupplier healthy,
      BooleanSupplier ready)
      throws IOException {
    HTTPServer.Builder builder =
        HTTPServer.builder()
            .port(port)
            .registry(registry)
            .defaultHandler(exchange -> handleProbe(exchange, healthy, ready));
    if (bindAddress != null) {
      builder.inetAddress(bindAddress);
    }
    return new MetricsEndpoint(builder.buildAndStart());
  }

  public int port() {
    return server.getPort();
  }

  private static void handleProbe(
      HttpExchange exchange, BooleanSupplier healthy, BooleanSupplier ready) throws IOException {
    String path = exchange.getRequestURI().getPath();
    int status;
    String body;
    switch (path) {
      case "/healthz" -> {
        boolean ok = healthy.getAsBoolean();
        status = ok ? 200 : 503;
        body = ok ? "ok\n" : "unhealthy\n";
      }
      case "/readyz" -> {
        boolean ok = ready.getAsBoolean();
        status = ok ? 200 : 503;
        body = ok ? "ready\n" : "not ready\n";
      }
      default -> {
        status = 404;
        body = "not found: try /metrics, /healthz or /readyz\n";
      }
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}

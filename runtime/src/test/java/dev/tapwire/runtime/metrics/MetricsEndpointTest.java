package dev.tapwire.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesMetricsHealthAndReadiness() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    AtomicLong frames = new AtomicLong(41);
    CounterWithCallback.builder()
        .name("tapwire_test_frames_total")
        .help("Frames seen by the test.")
        .callback(callback -> callback.call(frames.get()))
        .register(registry);
    AtomicBoolean ready = new AtomicBoolean(false);

    try (MetricsEndpoint endpoint =
        MetricsEndpoint.start(
            InetAddress.getLoopbackAddress(), 0, registry, () -> true, ready::get)) {
      frames.incrementAndGet();
      HttpResponse<String> metrics = get(endpoint.port(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("tapwire_test_frames_total 42.0");

      assertThat(get(endpoint.port(), "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(endpoint.port(), "/readyz").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(endpoint.port(), "/readyz").statusCode()).isEqualTo(200);
      assertThat(get(endpoint.port(), "/nope").statusCode()).isEqualTo(404);
    }
  }
}

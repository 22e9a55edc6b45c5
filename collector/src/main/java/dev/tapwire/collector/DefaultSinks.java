package dev.tapwire.collector;

import dev.tapwire.collector.config.CollectorConfig;
import dev.tapwire.collector.sink.FrameSink;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/** The sinks a configuration selects: capture files and/or the mirror NIC. */
final class DefaultSinks {
  private DefaultSinks() {}

  static List<FrameSink> create(CollectorConfig config, PrometheusRegistry registry) {
    throw new IllegalStateException("capture file and mirror NIC sinks are not part of this build");
  }
}

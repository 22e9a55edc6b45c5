package dev.tapwire.collector;

import dev.tapwire.collector.config.CollectorConfig;
import dev.tapwire.collector.sink.FrameSink;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/** Builds the sinks the configuration asks for (capture files, mirror NIC). */
@FunctionalInterface
public interface SinkFactory {
  /**
   * @return at least one sink, not started
   * @throws Exception when a sink cannot be set up (the message says why)
   */
  List<FrameSink> create(CollectorConfig config, PrometheusRegistry registry) throws Exception;
}

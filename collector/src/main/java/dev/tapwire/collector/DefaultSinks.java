package dev.tapwire.collector;

import dev.tapwire.collector.config.CollectorConfig;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.collector.sink.file.FileSinks;
import dev.tapwire.collector.sink.mirror.MirrorNicSink;
import dev.tapwire.collector.sink.mirror.MirrorOptions;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The sinks a configuration selects: capture files (pcapng or pcap) unless {@code --no-files}, and
 * the mirror NIC when {@code --mirror-nic} is set. Their counters are read by {@code
 * CollectorMetrics} through the {@link FrameSink} contract.
 */
public final class DefaultSinks {
  private DefaultSinks() {}

  public static List<FrameSink> create(CollectorConfig config, PrometheusRegistry registry)
      throws Exception {
    List<FrameSink> sinks = new ArrayList<>();
    try {
      if (config.filesEnabled()) {
        sinks.add(FileSinks.create(config));
      }
      if (config.mirrorEnabled()) {
        sinks.add(MirrorNicSink.open(MirrorOptions.from(config)));
      }
    } catch (Exception | Error e) {
      for (FrameSink sink : sinks) {
        try {
          sink.close();
        } catch (RuntimeException closing) {
          e.addSuppressed(closing);
        }
      }
      throw e;
    }
    return sinks;
  }
}

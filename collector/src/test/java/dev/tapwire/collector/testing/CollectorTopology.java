package dev.tapwire.collector.testing;

import dev.tapwire.collector.Collector;
import dev.tapwire.collector.SinkFactory;
import dev.tapwire.collector.config.CollectorConfig;
import dev.tapwire.collector.config.CollectorConfigLoader;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.TestAddresses;
import dev.tapwire.testkit.VethPair;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two test namespaces joined by a veth: the tunnel sources in {@code sender} (198.18.0.1 and
 * 2001:db8::1, plus extra source addresses 198.18.0.11...) and the collector in {@code collector}
 * (198.18.0.2, 2001:db8::2), started in-process on a thread inside its namespace. Everything is
 * deleted on {@link #close}.
 */
public final class CollectorTopology implements AutoCloseable {
  public static final InetAddress SENDER_V4 = TestAddresses.requireTestAddress("198.18.0.1");
  public static final InetAddress COLLECTOR_V4 = TestAddresses.requireTestAddress("198.18.0.2");
  public static final InetAddress SENDER_V6 = TestAddresses.requireTestAddress("2001:db8::1");
  public static final InetAddress COLLECTOR_V6 = TestAddresses.requireTestAddress("2001:db8::2");

  public final Netns sender;
  public final Netns collectorNs;
  public final VethPair link;
  private final List<InetAddress> extraSources = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  private CollectorTopology(Netns sender, Netns collectorNs, VethPair link) {
    this.sender = sender;
    this.collectorNs = collectorNs;
    this.link = link;
  }

  public static CollectorTopology create() {
    Netns sender = Netns.create();
    Netns collector = null;
    try {
      collector = Netns.create();
      VethPair link =
          VethPair.between(sender, collector)
              .addresses("198.18.0.1/24", "198.18.0.2/24")
              .addresses("2001:db8::1/64", "2001:db8::2/64")
              .create();
      return new CollectorTopology(sender, collector, link);
    } catch (RuntimeException | Error e) {
      if (collector != null) {
        collector.close();
      }
      sender.close();
      throw e;
    }
  }

  /** Adds source address 198.18.0.{@code 10 + n} on the sender's end and returns it. */
  public InetAddress extraSource(int n) {
    String literal = "198.18.0." + (10 + n);
    InetAddress address = TestAddresses.requireTestAddress(literal);
    if (!extraSources.contains(address)) {
      sender.ip("addr", "add", literal + "/24", "dev", link.nameA());
      extraSources.add(address);
    }
    return address;
  }

  /** Collector settings for tests: small queues, metrics on a free loopback port, given flags. */
  public static CollectorConfig config(Map<String, List<String>> flags) {
    Map<String, List<String>> all = new LinkedHashMap<>();
    all.put(CollectorSettingKeys.QUEUE_FRAMES, List.of("4096"));
    all.put(CollectorSettingKeys.METRICS_ADDRESS, List.of("127.0.0.1"));
    all.put(CollectorSettingKeys.METRICS_PORT, List.of("0"));
    all.put(CollectorSettingKeys.GRPC_PORT, List.of("0"));
    all.put(CollectorSettingKeys.OUTPUT_DIR, List.of(Path.of("target", "it-captures").toString()));
    all.putAll(flags);
    return CollectorConfigLoader.load(
        new LayeredSettings(
            all, Map.of(), CollectorSettingKeys.ENVIRONMENT_PREFIX, Map.of(), "test"));
  }

  /** Starts a collector inside the collector namespace with {@code sinks}; closed with this. */
  public Collector startCollector(CollectorConfig config, CollectingSink... sinks)
      throws Exception {
    List<dev.tapwire.collector.sink.FrameSink> list = List.of(sinks);
    Collector collector =
        NetworkNamespace.runIn(
            collectorNs.name(),
            () -> Collector.start(config, new PrometheusRegistry(), (c, r) -> list, true));
    resources.add(collector);
    return collector;
  }

  /** Starts a collector inside the collector namespace with the sinks of {@code factory}. */
  public Collector startCollector(CollectorConfig config, SinkFactory factory) throws Exception {
    Collector collector =
        NetworkNamespace.runIn(
            collectorNs.name(),
            () -> Collector.start(config, new PrometheusRegistry(), factory, true));
    resources.add(collector);
    return collector;
  }

  /** A sender of tunnel packets in the sender namespace; closed with this. */
  public TunnelSender sender() {
    TunnelSender s = new TunnelSender(sender.name());
    resources.add(s);
    return s;
  }

  /** GETs {@code path} from the collector's metrics endpoint, from inside its namespace. */
  public HttpResult get(Collector collector, String path) throws Exception {
    int port = collector.metricsPort();
    return NetworkNamespace.runIn(
        collectorNs.name(),
        () -> {
          HttpURLConnection c =
              (HttpURLConnection)
                  URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
          c.setConnectTimeout(5_000);
          c.setReadTimeout(5_000);
          int status = c.getResponseCode();
          try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new HttpResult(status, body);
          } finally {
            c.disconnect();
          }
        });
  }

  /** An HTTP status and body. */
  public record HttpResult(int status, String body) {}

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // Keep tearing down: the namespaces must go whatever happened.
      }
    }
    try {
      link.close();
    } finally {
      try {
        collectorNs.close();
      } finally {
        sender.close();
      }
    }
  }
}

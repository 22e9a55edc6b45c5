package dev.tapwire.cli.demo;

/**
 * One mirrored source of the demo: the switch host {@code name}, its agent capturing {@code
 * captureIf} and exporting from {@code exportAddress} to {@code collectorAddress}.
 */
record DemoSource(
    String name, String ns, String captureIf, String exportAddress, String collectorAddress) {

  /** The sources of the demo topology: sw1 and sw2. */
  static java.util.List<DemoSource> of(Topology t) {
    return java.util.stream.Stream.of("sw1", "sw2")
        .map(
            sw ->
                new DemoSource(
                    sw,
                    t.ns(sw),
                    t.get(sw + ".capture_if"),
                    t.get(sw + ".export_v4"),
                    t.get("collector.export_v4." + sw)))
        .toList();
  }

  /** Whether a collector stream label ({@code 198.18.11.1/erspan_iii-1}) is this source's. */
  boolean ownsStream(String stream) {
    return stream.startsWith(exportAddress + "/");
  }
}

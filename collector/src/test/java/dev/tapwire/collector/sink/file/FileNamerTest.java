package dev.tapwire.collector.sink.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileNamerTest {
  private final FileNamer namer = new FileNamer(FileFormat.PCAPNG);

  private static long epochNs(String instant) {
    Instant i = Instant.parse(instant);
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  @Test
  void mergedSeriesNameIsUtcMicrosecondsAndSequence() {
    assertThat(namer.name(null, epochNs("2026-11-27T16:45:02.123456789Z"), 1))
        .isEqualTo("tapwire-20261127T164502.123456Z-00001.pcapng");
    assertThat(new FileNamer(FileFormat.PCAP).name(null, epochNs("2026-01-02T03:04:05Z"), 123456))
        .isEqualTo("tapwire-20260102T030405.000000Z-123456.pcap");
  }

  @Test
  void perSourceNamesCarryAFileNameSafeLabel() {
    assertThat(namer.name("198.18.1.1", epochNs("2026-11-27T16:45:02Z"), 7))
        .isEqualTo("tapwire-198.18.1.1-20261127T164502.000000Z-00007.pcapng");
    assertThat(FileNamer.sourceLabel("2001:db8::1")).isEqualTo("2001_db8__1");
    assertThat(FileNamer.sourceLabel("198.18.1.1")).isEqualTo("198.18.1.1");
    assertThat(FileNamer.sourceLabel("a/b c-d")).isEqualTo("a_b_c_d");
    assertThat(FileNamer.sourceLabel(null)).isEqualTo("unknown");
  }

  @Test
  void namesSortInTimeOrderAsLsSortsThem() {
    List<String> inTimeOrder = new ArrayList<>();
    String[] times = {
      "2026-12-31T23:59:59.999999Z",
      "2027-01-01T00:00:00.000001Z",
      "2027-01-01T00:00:09.5Z",
      "2027-01-01T00:00:10Z",
      "2027-01-01T09:59:59Z",
      "2027-01-01T10:00:00Z",
      "2027-01-09T00:00:00Z",
      "2027-01-10T00:00:00Z",
      "2027-10-01T00:00:00Z",
    };
    int sequence = 1;
    for (String time : times) {
      inTimeOrder.add(namer.name(null, epochNs(time), sequence++));
    }
    // Same microsecond: the sequence breaks the tie.
    inTimeOrder.add(namer.name(null, epochNs("2027-10-01T00:00:00Z"), sequence++));
    List<String> sorted = new ArrayList<>(inTimeOrder);
    sorted.sort(null);
    assertThat(sorted).containsExactlyElementsOf(inTimeOrder);
  }

  @Test
  void recognisesOnlyItsOwnSeries() {
    String merged = namer.name(null, epochNs("2026-11-27T16:45:02Z"), 1);
    String perSource = namer.name("198.18.1.1", epochNs("2026-11-27T16:45:02Z"), 1);
    assertThat(namer.isSeriesFile(merged, null)).isTrue();
    assertThat(namer.isSeriesFile(merged, "198.18.1.1")).isFalse();
    assertThat(namer.isSeriesFile(perSource, "198.18.1.1")).isTrue();
    assertThat(namer.isSeriesFile(perSource, "198.18.1.2")).isFalse();
    assertThat(namer.isSeriesFile(perSource, null)).isFalse();
    assertThat(namer.isSeriesFile(merged.replace(".pcapng", ".pcap"), null)).isFalse();
    assertThat(namer.isSeriesFile("capture.pcapng", null)).isFalse();
    assertThat(namer.isSeriesFile("tapwire-x.pcapng", null)).isFalse();
  }
}

package dev.tapwire.cli.demo;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares frames delivered by the collector with the frames captured independently at the sources,
 * by sha256 as multisets: each delivered frame must match a source frame not yet matched. A
 * delivered frame is attributed to the source whose capture holds it.
 */
final class CaptureComparison {
  private final Map<String, ArrayDeque<String>> available = new HashMap<>();
  private final Map<String, Long> matchedBySource = new LinkedHashMap<>();
  private long matched;
  private long unmatched;

  /** A comparison against the frames captured at each source ({@code name -> frames}). */
  CaptureComparison(Map<String, List<FrameDigests.Frame>> sourceFrames) {
    sourceFrames.forEach(
        (source, frames) -> {
          matchedBySource.put(source, 0L);
          for (FrameDigests.Frame f : frames) {
            available.computeIfAbsent(f.sha256(), h -> new ArrayDeque<>()).add(source);
          }
        });
  }

  /** Matches {@code delivered} frames, in order. */
  CaptureComparison match(List<FrameDigests.Frame> delivered) {
    for (FrameDigests.Frame f : delivered) {
      ArrayDeque<String> sources = available.get(f.sha256());
      String source = sources == null ? null : sources.poll();
      if (source == null) {
        unmatched++;
      } else {
        matched++;
        matchedBySource.merge(source, 1L, Long::sum);
      }
    }
    return this;
  }

  long matched() {
    return matched;
  }

  /** Delivered frames that are not byte-identical to any (remaining) source frame. */
  long unmatched() {
    return unmatched;
  }

  long matched(String source) {
    return matchedBySource.getOrDefault(source, 0L);
  }
}

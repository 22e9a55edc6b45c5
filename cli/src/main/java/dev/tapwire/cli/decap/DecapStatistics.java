package dev.tapwire.cli.decap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Totals of one {@code tapwire decap} run. The books balance: every record read is a decapsulated
 * frame, a skipped packet, an invalid packet or an outer fragment; every reassembled datagram is
 * again one of the first three.
 */
final class DecapStatistics {
  long recordsRead;
  long framesDecapsulated;
  long framesWritten;
  long framesTruncated;
  long skippedPackets;
  long invalidPackets;
  long fragmentRecords;
  long datagramsReassembled;
  long badGreChecksums;
  final Map<String, Long> skippedByReason = new TreeMap<>();
  final Map<String, Long> invalidByReason = new TreeMap<>();
  final Map<String, Long> fragmentsDroppedByReason = new TreeMap<>();
  final Map<String, Long> notWrittenByReason = new TreeMap<>();
  final Map<String, Long> unreadableRecordsByReason = new TreeMap<>();
  String inputEndedWith = "end_of_input";

  static void increment(Map<String, Long> counts, String reason) {
    counts.merge(reason, 1L, Long::sum);
  }

  /** One-line summary for the terminal. */
  String summary() {
    return framesWritten
        + " frames written from "
        + recordsRead
        + " records ("
        + skippedPackets
        + " skipped, "
        + invalidPackets
        + " invalid, "
        + fragmentRecords
        + " outer fragments, "
        + (framesDecapsulated - framesWritten)
        + " not writable in this format)";
  }

  void writeJson(Path path, String input, String format, Collection<DecapStream> streams)
      throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("input", input);
    root.put("input_format", format);
    root.put("input_ended_with", inputEndedWith);
    root.put("records_read", recordsRead);
    root.put("frames_decapsulated", framesDecapsulated);
    root.put("frames_written", framesWritten);
    root.put("frames_truncated", framesTruncated);
    root.put("frames_not_written_by_reason", notWrittenByReason);
    root.put("skipped_packets", skippedPackets);
    root.put("skipped_by_reason", skippedByReason);
    root.put("invalid_packets", invalidPackets);
    root.put("invalid_by_reason", invalidByReason);
    root.put("unreadable_records_by_reason", unreadableRecordsByReason);
    root.put("bad_gre_checksums", badGreChecksums);
    Map<String, Object> fragments = new LinkedHashMap<>();
    fragments.put("records", fragmentRecords);
    fragments.put("datagrams_reassembled", datagramsReassembled);
    fragments.put("dropped_by_reason", fragmentsDroppedByReason);
    root.put("outer_fragments", fragments);
    List<Map<String, Object>> streamList = new ArrayList<>();
    for (DecapStream stream : streams) {
      Map<String, Object> entry = new LinkedHashMap<>();
      StreamKey key = stream.key();
      entry.put("interface", stream.interfaceName());
      entry.put("source", key.source());
      entry.put("destination", key.destination());
      entry.put("carrier", key.carrier());
      entry.put("encapsulation", key.encapsulation());
      if (key.streamId() >= 0) {
        entry.put(stream.streamIdName(), key.streamId());
      }
      entry.put("frames", stream.frames);
      entry.put("bytes", stream.bytes);
      entry.put("truncated_frames", stream.truncatedFrames);
      entry.put("sequence_gap_events", stream.sequenceGapEvents);
      entry.put("missing_sequence_numbers", stream.missingSequenceNumbers);
      entry.put("reordered_or_duplicate", stream.sequence.reorderedOrDuplicate());
      entry.put("first_time_ns", stream.firstTimestampNs);
      entry.put("last_time_ns", stream.lastTimestampNs);
      streamList.add(entry);
    }
    root.put("streams", streamList);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(path.toFile(), root);
  }
}

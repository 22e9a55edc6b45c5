package dev.tapwire.collector.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntryIndexTest {
  @Test
  void agreesWithAHashMapUnderRandomInsertsAndRemovals() {
    int entries = 64;
    EntryIndex index = new EntryIndex(entries);
    long[] keys = new long[entries];
    Map<Long, Integer> reference = new HashMap<>();
    Random random = new Random(1);
    for (int step = 0; step < 100_000; step++) {
      int entry = random.nextInt(entries);
      Integer present = null;
      for (Map.Entry<Long, Integer> e : reference.entrySet()) {
        if (e.getValue() == entry) {
          present = entry;
        }
      }
      if (present != null) {
        index.remove(entry);
        reference.remove(keys[entry]);
      } else {
        // Few distinct hash values: long probe runs and many collisions.
        long key = random.nextInt(200) * 0x1000_0000_0000L;
        while (reference.containsKey(key)) {
          key++;
        }
        keys[entry] = key;
        index.insert(key, entry);
        reference.put(key, entry);
      }
      long probe = keys[random.nextInt(entries)];
      Integer expected = reference.get(probe);
      int found = index.find(probe, e -> keys[e] == probe);
      assertThat(found).isEqualTo(expected == null ? -1 : expected);
    }
  }
}

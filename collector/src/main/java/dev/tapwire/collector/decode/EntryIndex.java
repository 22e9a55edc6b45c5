package dev.tapwire.collector.decode;

/**
 * An open-addressing hash index (linear probing, backward-shift deletion, so no tombstones) from a
 * 64-bit key hash to an entry number of a preallocated entry array. The caller compares full keys
 * through a {@link Matcher}. Twice as many slots as entries keep probes short. No allocation.
 */
final class EntryIndex {
  /** Whether entry {@code entry} holds the key being looked up. */
  interface Matcher {
    boolean matches(int entry);
  }

  private final int[] slots; // entry + 1; 0 = empty
  private final long[] entryHashes;
  private final int mask;

  EntryIndex(int entries) {
    int size = Integer.highestOneBit(Math.max(2, entries) * 2 - 1) << 1;
    this.slots = new int[size];
    this.entryHashes = new long[entries];
    this.mask = size - 1;
  }

  /** The entry with this hash that {@code matcher} accepts, or -1. */
  int find(long hash, Matcher matcher) {
    for (int i = home(hash); slots[i] != 0; i = (i + 1) & mask) {
      int entry = slots[i] - 1;
      if (entryHashes[entry] == hash && matcher.matches(entry)) {
        return entry;
      }
    }
    return -1;
  }

  /** Indexes {@code entry} under {@code hash}; the entry must not be indexed yet. */
  void insert(long hash, int entry) {
    entryHashes[entry] = hash;
    int i = home(hash);
    while (slots[i] != 0) {
      i = (i + 1) & mask;
    }
    slots[i] = entry + 1;
  }

  /** Removes {@code entry}, shifting later entries of its probe run back into the hole. */
  void remove(int entry) {
    int hole = home(entryHashes[entry]);
    while (slots[hole] != entry + 1) {
      if (slots[hole] == 0) {
        return;
      }
      hole = (hole + 1) & mask;
    }
    for (int j = (hole + 1) & mask; slots[j] != 0; j = (j + 1) & mask) {
      int want = home(entryHashes[slots[j] - 1]);
      // Move slot j into the hole unless its home lies cyclically in (hole, j].
      boolean homeBetween = hole <= j ? (want > hole && want <= j) : (want > hole || want <= j);
      if (!homeBetween) {
        slots[hole] = slots[j];
        hole = j;
      }
    }
    slots[hole] = 0;
  }

  private int home(long hash) {
    return (int) (hash ^ (hash >>> 29) ^ (hash >>> 43)) & mask;
  }
}

package dev.tapwire.collector.config;

/**
 * An inclusive range of tunnel stream ids, {@code N} or {@code N-M}: ERSPAN session ids, VXLAN VNIs
 * or GRE keys (all fit in 0-4294967295).
 *
 * @param first the lowest id in the range
 * @param last the highest id in the range, at least {@code first}
 */
public record SessionRange(long first, long last) {
  /** The largest stream id of any encapsulation: a 32-bit GRE key. */
  public static final long MAX_ID = 0xFFFF_FFFFL;

  public SessionRange {
    if (first < 0 || last > MAX_ID || first > last) {
      throw new IllegalArgumentException("bad session range " + first + "-" + last);
    }
  }

  /**
   * Parses {@code N} or {@code N-M} (decimal).
   *
   * @throws IllegalArgumentException with a message saying what is wrong
   */
  public static SessionRange parse(String text) {
    String trimmed = text.strip();
    int dash = trimmed.indexOf('-', 1);
    long first = id(text, dash < 0 ? trimmed : trimmed.substring(0, dash));
    long last = dash < 0 ? first : id(text, trimmed.substring(dash + 1));
    if (first > last) {
      throw new IllegalArgumentException(
          "'" + text + "' is an empty range: " + first + " > " + last);
    }
    return new SessionRange(first, last);
  }

  private static long id(String text, String part) {
    if (part.isEmpty() || part.length() > 10 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a session id or range like 100 or 100-199");
    }
    long id = Long.parseLong(part);
    if (id > MAX_ID) {
      throw new IllegalArgumentException("'" + text + "' is outside 0-" + MAX_ID);
    }
    return id;
  }

  @Override
  public String toString() {
    return first == last ? Long.toString(first) : first + "-" + last;
  }
}

package dev.tapwire.agent.encap;

/**
 * Limits the export to a number of bits and/or packets per second with two token buckets; a packet
 * passes only if both have room, and only then takes from both. Bursts of up to 10 ms of the rate
 * pass at full speed (at least 64 packets or 64 full-size packets' bits), which keeps batching
 * intact without letting an average through that is above the limit. Single-threaded.
 */
public final class RateLimiter {
  private static final long BURST_DIVISOR = 100; // 10 ms
  private static final long MIN_BURST_PACKETS = 64;

  private final TokenBucket bits;
  private final TokenBucket packets;

  /**
   * @param bitsPerSecond 0 for no bit limit
   * @param packetsPerSecond 0 for no packet limit
   * @param maxPacketBytes the largest packet (for the smallest bit burst)
   */
  public RateLimiter(long bitsPerSecond, long packetsPerSecond, int maxPacketBytes) {
    this(bitsPerSecond, packetsPerSecond, maxPacketBytes, 0);
  }

  /**
   * @param burstBytes depth of both buckets in bytes (the packet bucket holds that many bytes of
   *     full-size packets, at least one); 0 for the default above
   */
  public RateLimiter(
      long bitsPerSecond, long packetsPerSecond, int maxPacketBytes, long burstBytes) {
    this.bits =
        bitsPerSecond > 0
            ? new TokenBucket(
                bitsPerSecond,
                burstBytes > 0
                    ? Math.max(burstBytes * 8, maxPacketBytes * 8L)
                    : Math.max(
                        bitsPerSecond / BURST_DIVISOR, MIN_BURST_PACKETS * maxPacketBytes * 8L))
            : null;
    this.packets =
        packetsPerSecond > 0
            ? new TokenBucket(
                packetsPerSecond,
                burstBytes > 0
                    ? Math.max(1, burstBytes / maxPacketBytes)
                    : Math.max(packetsPerSecond / BURST_DIVISOR, MIN_BURST_PACKETS))
            : null;
  }

  /** Whether any limit is set. */
  public boolean limits() {
    return bits != null || packets != null;
  }

  /** Takes one packet of {@code packetBytes} if both limits allow it at {@code nowNs}. */
  public boolean tryAcquire(int packetBytes, long nowNs) {
    long packetBits = packetBytes * 8L;
    if (bits != null) {
      bits.refill(nowNs);
      if (!bits.has(packetBits)) {
        return false;
      }
    }
    if (packets != null) {
      packets.refill(nowNs);
      if (!packets.has(1)) {
        return false;
      }
      packets.take(1);
    }
    if (bits != null) {
      bits.take(packetBits);
    }
    return true;
  }
}

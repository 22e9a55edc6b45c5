package dev.tapwire.collector.config;

import java.util.List;

/** The tunnel sources the collector accepts; empty means every source. */
public final class SourceAllowlist {
  private final Cidr[] prefixes;

  public SourceAllowlist(List<Cidr> prefixes) {
    this.prefixes = prefixes.toArray(new Cidr[0]);
  }

  public boolean allowsAll() {
    return prefixes.length == 0;
  }

  /** True when the outer source address may send to this collector. Allocation-free. */
  public boolean allows(byte[] sourceAddress, int addressLength) {
    if (prefixes.length == 0) {
      return true;
    }
    for (Cidr prefix : prefixes) {
      if (prefix.contains(sourceAddress, addressLength)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return prefixes.length == 0
        ? "any"
        : String.join(", ", List.of(prefixes).stream().map(Cidr::toString).toList());
  }
}

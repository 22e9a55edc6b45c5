package dev.tapwire.testkit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A veth pair joining two test namespaces, end {@code a} in the first and end {@code b} in the
 * second, up and ready when {@link Builder#create()} returns (both ends operationally up, every
 * address configured and none tentative). Addresses must come from the test ranges ({@link
 * TestAddresses}); IPv6 duplicate address detection is off ({@code nodad}, {@code accept_dad=0}),
 * so addresses are usable at once.
 */
public final class VethPair implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

  private final Netns nsA;
  private final Netns nsB;
  private final String nameA;
  private final String nameB;
  private boolean closed;

  private VethPair(Netns nsA, Netns nsB, String nameA, String nameB) {
    this.nsA = nsA;
    this.nsB = nsB;
    this.nameA = nameA;
    this.nameB = nameB;
  }

  /** Starts describing a pair between {@code a} and {@code b} (may be the same namespace). */
  public static Builder between(Netns a, Netns b) {
    return new Builder(a, b);
  }

  /** Namespace of end A. */
  public Netns nsA() {
    return nsA;
  }

  /** Namespace of end B. */
  public Netns nsB() {
    return nsB;
  }

  /** Interface name of end A (in {@link #nsA()}). */
  public String nameA() {
    return nameA;
  }

  /** Interface name of end B (in {@link #nsB()}). */
  public String nameB() {
    return nameB;
  }

  /** MAC address of end A, e.g. {@code "4e:65:64:a6:1d:b0"}. */
  public String macA() {
    return mac(nsA, nameA);
  }

  /** MAC address of end B. */
  public String macB() {
    return mac(nsB, nameB);
  }

  /** Deletes the pair (both ends) unless its namespace is already gone. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Exec.run("ip", "-n", nsA.name(), "link", "del", nameA);
  }

  private static String mac(Netns ns, String ifName) {
    String out = ns.ip("-o", "link", "show", "dev", ifName);
    int i = out.indexOf("link/ether ");
    if (i < 0) {
      throw new IllegalStateException("no MAC address in: " + out);
    }
    return out.substring(i + 11).split("\\s+")[0];
  }

  /** Configuration of a pair before it is created. */
  public static final class Builder {
    private final Netns nsA;
    private final Netns nsB;
    private final List<String> addressesA = new ArrayList<>();
    private final List<String> addressesB = new ArrayList<>();
    private int mtu;
    private boolean ipv6Disabled;

    private Builder(Netns nsA, Netns nsB) {
      this.nsA = nsA;
      this.nsB = nsB;
    }

    /** Adds an address/prefix on each end, e.g. {@code "198.18.0.1/30", "198.18.0.2/30"}. */
    public Builder addresses(String cidrA, String cidrB) {
      TestAddresses.requireTestPrefix(cidrA);
      TestAddresses.requireTestPrefix(cidrB);
      addressesA.add(cidrA);
      addressesB.add(cidrB);
      return this;
    }

    /** Sets the MTU of both ends. */
    public Builder mtu(int bytes) {
      if (bytes < 68 || bytes > 65_535) {
        throw new IllegalArgumentException("MTU must be 68..65535: " + bytes);
      }
      this.mtu = bytes;
      return this;
    }

    /**
     * Disables IPv6 on both ends before they come up: no link-local address, no router or neighbour
     * solicitations, no MLD reports. With no IPv4 address either, the link carries only what the
     * test sends.
     */
    public Builder silent() {
      if (!addressesA.isEmpty()) {
        throw new IllegalStateException("a silent link has no addresses");
      }
      this.ipv6Disabled = true;
      return this;
    }

    /** Creates the pair, configures it, brings it up and waits until it is ready. */
    public VethPair create() {
      String id = HexFormat.of().toHexDigits(RANDOM.nextInt()).substring(0, 6);
      VethPair pair = new VethPair(nsA, nsB, "twa" + id, "twb" + id);
      try {
        nsA.ip(
            "link",
            "add",
            pair.nameA,
            "type",
            "veth",
            "peer",
            "name",
            pair.nameB,
            "netns",
            nsB.name());
        configure(nsA, pair.nameA, addressesA);
        configure(nsB, pair.nameB, addressesB);
        Poll.until(
            READY_TIMEOUT,
            "veth " + pair.nameA + "/" + pair.nameB + " to be ready",
            () -> ready(nsA, pair.nameA, addressesA) && ready(nsB, pair.nameB, addressesB),
            () ->
                nsA.ip("-br", "addr", "show", "dev", pair.nameA)
                    + " | "
                    + nsB.ip("-br", "addr", "show", "dev", pair.nameB));
        return pair;
      } catch (RuntimeException e) {
        pair.close();
        throw e;
      }
    }

    private void configure(Netns ns, String ifName, List<String> addresses) {
      if (ipv6Disabled) {
        ns.sysctl("net.ipv6.conf." + ifName + ".disable_ipv6", "1");
      } else {
        // No duplicate address detection, for the link-local address too: usable at once.
        ns.sysctl("net.ipv6.conf." + ifName + ".accept_dad", "0");
      }
      if (mtu > 0) {
        ns.ip("link", "set", "dev", ifName, "mtu", Integer.toString(mtu));
      }
      for (String cidr : addresses) {
        if (cidr.contains(":")) {
          ns.ip("addr", "add", cidr, "dev", ifName, "nodad");
        } else {
          ns.ip("addr", "add", cidr, "dev", ifName);
        }
      }
      ns.ip("link", "set", "dev", ifName, "up");
    }

    private static boolean ready(Netns ns, String ifName, List<String> addresses) {
      String link = ns.ip("-o", "link", "show", "dev", ifName);
      if (!link.contains("state UP") || !link.contains("LOWER_UP")) {
        return false;
      }
      String addr = ns.ip("-o", "addr", "show", "dev", ifName);
      if (addr.contains("tentative")) {
        return false;
      }
      Set<String> present = new HashSet<>();
      for (String line : addr.lines().toList()) {
        String[] tokens = line.strip().split("\\s+");
        for (int t = 0; t + 1 < tokens.length; t++) {
          if (tokens[t].equals("inet") || tokens[t].equals("inet6")) {
            present.add(normalise(tokens[t + 1]));
          }
        }
      }
      for (String cidr : addresses) {
        if (!present.contains(normalise(cidr))) {
          return false;
        }
      }
      return true;
    }

    /** {@code address/prefix} with the address in one canonical spelling. */
    private static String normalise(String cidr) {
      int slash = cidr.indexOf('/');
      try {
        return InetAddress.getByName(cidr.substring(0, slash)).getHostAddress()
            + cidr.substring(slash);
      } catch (UnknownHostException e) {
        throw new IllegalStateException("unexpected address " + cidr, e);
      }
    }
  }
}

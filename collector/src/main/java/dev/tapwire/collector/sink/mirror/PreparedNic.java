package dev.tapwire.collector.sink.mirror;

import dev.tapwire.netio.LinkInfo;
import java.net.InetAddress;
import java.util.List;

/**
 * A NIC made into a transmit-only mirror port.
 *
 * @param link the interface after preparation
 * @param keptAddresses addresses it still carries (only with {@code force}; IPv4, as disabling IPv6
 *     removed the IPv6 ones)
 * @param ipv6Disabled whether IPv6 was turned off on it (false only when the kernel has no IPv6)
 */
public record PreparedNic(LinkInfo link, List<InetAddress> keptAddresses, boolean ipv6Disabled) {}

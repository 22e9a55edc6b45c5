/**
 * Linux raw sockets through {@code java.lang.foreign}: raw IP sockets ({@code SOCK_RAW}, e.g.
 * {@code IPPROTO_GRE}) with batched {@code recvmmsg}/{@code sendmmsg}, transmit-only {@code
 * AF_PACKET} sockets, interface queries and network namespaces.
 *
 * <p>All native calls of Tapwire live in this package; see {@code netio/DESIGN.md}. Callers run the
 * JVM with {@code --enable-native-access=ALL-UNNAMED}.
 */
package dev.tapwire.netio;

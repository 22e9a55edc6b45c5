/**
 * GRE (RFC 2784, RFC 2890): header flyweight, protocol type values and encoder. Parsing is pure and
 * static; classification of what GRE carries is in {@code dev.tapwire.wire.tunnel}.
 */
package dev.tapwire.wire.gre;

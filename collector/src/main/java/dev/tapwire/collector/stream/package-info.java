/** Tunnel streams: identity and per-stream accounting. */
package dev.tapwire.collector.stream;

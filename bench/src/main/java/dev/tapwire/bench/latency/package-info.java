/** Capture-to-delivery latency from two packet captures of the same frames, for the harness. */
package dev.tapwire.bench.latency;

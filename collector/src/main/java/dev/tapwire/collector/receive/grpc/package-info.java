/**
 * The gRPC transport's receiving side: {@code tapwire.v1.DataService.StreamFrames} batches enter
 * the data path as already-decapsulated frames through one bounded, locked hand-off.
 */
package dev.tapwire.collector.receive.grpc;

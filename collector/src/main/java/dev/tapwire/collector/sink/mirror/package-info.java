/**
 * The mirror NIC: a transmit-only port prepared by {@link
 * dev.tapwire.collector.sink.mirror.MirrorNicPreparer}, frames re-emitted byte for byte, policed to
 * the link rate with a fair share per source. See {@code collector/DESIGN.md}, "Mirror NIC".
 */
package dev.tapwire.collector.sink.mirror;

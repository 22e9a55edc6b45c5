/**
 * pcapng codec (<a
 * href="https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/">draft-ietf-opsawg-pcapng</a>).
 *
 * <p>Writers are static block writers ({@link dev.tapwire.wire.pcapng.SectionHeaderBlock}, {@link
 * dev.tapwire.wire.pcapng.InterfaceDescriptionBlock}, {@link
 * dev.tapwire.wire.pcapng.EnhancedPacketBlock}, {@link
 * dev.tapwire.wire.pcapng.InterfaceStatisticsBlock}) that append little-endian blocks to a
 * caller-supplied buffer and allocate nothing per packet. Every interface Tapwire writes has
 * if_tsresol 9, so an EPB timestamp is the epoch-nanosecond capture time as is.
 *
 * <p>{@link dev.tapwire.wire.pcapng.PcapngReader} is incremental, handles several sections of
 * either byte order in one file, and reports malformed input as a {@link
 * dev.tapwire.wire.pcap.CaptureReadResult} reason. It never relies on opt_endofopt: options are
 * bounded by the block.
 */
package dev.tapwire.wire.pcapng;

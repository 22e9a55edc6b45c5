/**
 * Classic pcap codec and the record model shared with pcapng.
 *
 * <p>Format: <a
 * href="https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/">draft-ietf-opsawg-pcap</a>.
 * Readers are incremental: the caller appends bytes to a {@link io.netty.buffer.ByteBuf} and calls
 * {@link dev.tapwire.wire.pcap.CaptureReader#next next} until it returns {@link
 * dev.tapwire.wire.pcap.CaptureReadResult#NEED_MORE_DATA NEED_MORE_DATA}. Malformed input is
 * reported as a {@link dev.tapwire.wire.pcap.CaptureReadResult} reason, never thrown, so callers
 * can count it by label. Writers append to a caller-supplied buffer; the caller does all I/O.
 * Nothing here allocates per record once warm.
 */
package dev.tapwire.wire.pcap;

package dev.tapwire.collector.sink.mirror;

import dev.tapwire.collector.stream.StreamDescriptor;

/**
 * The mirror's view of one source stream, for metrics: {@code framesOffered = framesAdmitted +
 * framesDroppedOversubscribed}.
 *
 * @param stream the stream, or null for the shared entry of streams beyond the policer's bound
 * @param framesOffered frames of the stream that reached the policer
 * @param framesAdmitted frames within the stream's share, handed to the NIC
 * @param framesDroppedOversubscribed frames beyond the stream's share ({@code
 *     reason="oversubscribed"})
 * @param bytesAdmitted frame bytes admitted (without Ethernet overhead)
 * @param framesNotSent admitted frames the kernel then refused (counted by reason in the sink); the
 *     frames the stream got on the wire are {@code framesAdmitted - framesNotSent}
 * @param tokenBits the stream's token bucket level now, in bits
 * @param fairShareBitsPerSecond the link rate divided by the streams active in the last second
 */
public record MirrorStreamStats(
    StreamDescriptor stream,
    long framesOffered,
    long framesAdmitted,
    long framesDroppedOversubscribed,
    long bytesAdmitted,
    long framesNotSent,
    long tokenBits,
    long fairShareBitsPerSecond) {}

package dev.tapwire.collector.control;

import dev.tapwire.collector.stream.StreamDescriptor;

/**
 * A copy of one merged frame for one tap client: the frame's slot goes back to its pool at once, so
 * a slow client never holds data-path memory.
 *
 * @param stream the frame's stream
 * @param captureTimeNs capture time, epoch ns
 * @param originalLengthBytes length on the wire
 * @param flags bitwise OR of {@code FrameFlag} values
 * @param data the frame's bytes, cut to the client's snap length
 */
record TapItem(
    StreamDescriptor stream, long captureTimeNs, int originalLengthBytes, int flags, byte[] data) {}

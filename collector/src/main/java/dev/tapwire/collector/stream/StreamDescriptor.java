package dev.tapwire.collector.stream;

/**
 * Immutable identity of one tunnel stream (outer source + destination + carrier + encapsulation +
 * session/VNI/key), created once by the decode stage and carried by every {@code Frame} of the
 * stream, so that sinks can name it (one pcapng interface per stream) without touching the stream
 * table, which only the decode stage owns. Published to other threads through the stage queues.
 *
 * @param id unique for the life of the process (a stream that expires and comes back gets a new id)
 * @param interfaceName pcapng if_name, e.g. {@code 198.18.1.1/erspan_ii-101}
 * @param description pcapng if_description, e.g. {@code 198.18.1.1 -> 198.18.0.2, erspan_ii over
 *     ip, session 101}
 * @param linkType pcap LINKTYPE of the inner frames (1 Ethernet, 228/229 raw IP)
 * @param source outer source address as text, for logs and metrics
 * @param counters live counters of the stream, written by the decode stage
 */
public record StreamDescriptor(
    long id,
    String interfaceName,
    String description,
    int linkType,
    String source,
    StreamCounters counters) {}

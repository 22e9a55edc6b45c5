/**
 * The collector's gRPC control plane: {@link dev.tapwire.collector.control.ControlServer} (Netty,
 * TLS/mTLS with reloading certificates, health, admin restriction), the {@link
 * dev.tapwire.collector.control.AgentRegistry} behind AgentService and AdminService, and live taps.
 *
 * <p>Threads: gRPC handler threads call the registry, whose one lock serialises every change and
 * every write to a WatchPolicy stream (a few calls per agent per report interval; never the data
 * path). Live taps: the merge stage offers every frame to the {@link
 * dev.tapwire.collector.control.TapSink} through its bounded queue like to any sink; the tap thread
 * filters (session, agent, BPF through libpcap's {@code bpf_filter}) and copies matching frames
 * into each client's bounded queue and releases the frame at once; one sender thread writes
 * clients' streams only while gRPC flow control says they are ready. A full client queue drops the
 * copy and counts it ({@code slow_reader}); nothing waits on a client.
 *
 * <p>GetStats reads the counters {@code CollectorMetrics} exports ({@link
 * dev.tapwire.collector.control.CollectorCounters}); nothing is counted twice.
 */
package dev.tapwire.collector.control;

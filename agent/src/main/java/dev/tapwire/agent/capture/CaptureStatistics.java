package dev.tapwire.agent.capture;

/**
 * libpcap's counters for one handle, as totals since it was opened (its 32-bit counters are widened
 * across wrap-arounds).
 *
 * @param received {@code ps_recv}: packets the kernel passed the filter (Linux: also counts drops)
 * @param kernelDrops {@code ps_drop}: dropped because the capture buffer was full
 * @param interfaceDrops {@code ps_ifdrop}: dropped by the interface or driver
 */
public record CaptureStatistics(long received, long kernelDrops, long interfaceDrops) {}

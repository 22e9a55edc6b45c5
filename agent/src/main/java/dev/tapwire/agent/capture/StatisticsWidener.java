package dev.tapwire.agent.capture;

/** Turns libpcap's 32-bit counters, which wrap, into 64-bit totals. Capture thread only. */
final class StatisticsWidener {
  private long lastReceived;
  private long lastKernelDrops;
  private long lastInterfaceDrops;
  private long received;
  private long kernelDrops;
  private long interfaceDrops;

  CaptureStatistics update(long receivedNow, long kernelDropsNow, long interfaceDropsNow) {
    received += (receivedNow - lastReceived) & 0xffffffffL;
    kernelDrops += (kernelDropsNow - lastKernelDrops) & 0xffffffffL;
    interfaceDrops += (interfaceDropsNow - lastInterfaceDrops) & 0xffffffffL;
    lastReceived = receivedNow;
    lastKernelDrops = kernelDropsNow;
    lastInterfaceDrops = interfaceDropsNow;
    return new CaptureStatistics(received, kernelDrops, interfaceDrops);
  }
}

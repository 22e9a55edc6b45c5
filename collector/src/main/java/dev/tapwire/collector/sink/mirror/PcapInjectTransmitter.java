package dev.tapwire.collector.sink.mirror;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;

/**
 * The portable fallback: libpcap's {@code pcap_inject} through pcap4j ({@code
 * PcapHandle.sendPacket}, which calls {@code pcap_sendpacket}, libpcap's wrapper of the same inject
 * operation). One call (and one JNA copy) per frame, so several times slower than {@code sendmmsg};
 * used when {@code AF_PACKET} cannot be opened, or when asked for.
 *
 * <p>A libpcap handle on Linux is an {@code ETH_P_ALL} packet socket that would receive every frame
 * on the NIC; a filter that matches nothing ({@code less 1}) is attached in the kernel so nothing
 * is queued to it, and the snap length and buffer are minimal.
 */
public final class PcapInjectTransmitter implements FrameTransmitter {
  private static final String PCAP4J_LIBRARY_PROPERTY = "org.pcap4j.core.pcapLibName";
  private static final List<String> LIBRARY_PATHS =
      List.of(
          "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8",
          "/usr/lib/x86_64-linux-gnu/libpcap.so.1",
          "/usr/lib64/libpcap.so.1",
          "/usr/lib/libpcap.so.1",
          "/usr/lib/libpcap.so.0.8");

  private static final int SNAP_LEN_BYTES = 64;
  private static final int BUFFER_BYTES = 64 * 1024;

  private final PcapHandle handle;
  private final byte[][] slots;
  private final int[] lengths;
  private final int maxFrameBytes;
  private int size;
  private final int[] failedIndexes;
  private final String[] failedReasons;
  private int lastFailed;

  private PcapInjectTransmitter(PcapHandle handle, int batchCapacity, int maxFrameBytes) {
    this.handle = handle;
    this.slots = new byte[batchCapacity][maxFrameBytes];
    this.lengths = new int[batchCapacity];
    this.failedIndexes = new int[batchCapacity];
    this.failedReasons = new String[batchCapacity];
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Opens a libpcap handle on {@code interfaceName} (this thread's namespace) for sending only.
   *
   * @throws PcapNativeException with libpcap's message if it cannot
   */
  public static PcapInjectTransmitter open(
      String interfaceName, int batchCapacity, int maxFrameBytes) throws PcapNativeException {
    locateLibrary();
    PcapHandle handle =
        new PcapHandle.Builder(interfaceName)
            .snaplen(SNAP_LEN_BYTES)
            .bufferSize(BUFFER_BYTES)
            .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
            .timeoutMillis(1)
            .build();
    try {
      handle.setFilter("less 1", BpfProgram.BpfCompileMode.OPTIMIZE);
    } catch (PcapNativeException | NotOpenException | RuntimeException e) {
      handle.close();
      throw new PcapNativeException("cannot attach the receive-nothing filter: " + e.getMessage());
    }
    return new PcapInjectTransmitter(handle, batchCapacity, maxFrameBytes);
  }

  /** Debian ships libpcap.so only with the -dev package: point pcap4j at the runtime library. */
  private static void locateLibrary() {
    if (System.getProperty(PCAP4J_LIBRARY_PROPERTY) != null) {
      return;
    }
    for (String path : LIBRARY_PATHS) {
      if (Files.exists(Path.of(path))) {
        System.setProperty(PCAP4J_LIBRARY_PROPERTY, path);
        return;
      }
    }
  }

  @Override
  public String method() {
    return "pcap_inject";
  }

  @Override
  public int batchCapacity() {
    return slots.length;
  }

  @Override
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  @Override
  public int pending() {
    return size;
  }

  @Override
  public void add(MemorySegment memory, long offset, int length) {
    if (size == slots.length) {
      throw new IllegalStateException("batch full: " + slots.length + " frames");
    }
    if (length > maxFrameBytes) {
      throw new IllegalArgumentException("frame of " + length + " bytes > " + maxFrameBytes);
    }
    MemorySegment.copy(memory, JAVA_BYTE, offset, slots[size], 0, length);
    lengths[size++] = length;
  }

  @Override
  public int send() {
    int sent = 0;
    lastFailed = 0;
    for (int i = 0; i < size; i++) {
      try {
        handle.sendPacket(slots[i], lengths[i]);
        sent++;
      } catch (PcapNativeException e) {
        failedIndexes[lastFailed] = i;
        failedReasons[lastFailed] = reasonOf(e.getMessage());
        lastFailed++;
      } catch (NotOpenException e) {
        throw new IllegalStateException("pcap handle closed under the mirror sink", e);
      }
    }
    size = 0;
    return sent;
  }

  @Override
  public int lastFailed() {
    return lastFailed;
  }

  @Override
  public int failedIndex(int k) {
    check(k);
    return failedIndexes[k];
  }

  @Override
  public String failedReason(int k) {
    check(k);
    return failedReasons[k];
  }

  private void check(int k) {
    if (k < 0 || k >= lastFailed) {
      throw new IndexOutOfBoundsException("refused frame " + k + " of " + lastFailed);
    }
  }

  static String reasonOf(String message) {
    String m = String.valueOf(message).toLowerCase(Locale.ROOT);
    if (m.contains("no buffer space") || m.contains("resource temporarily")) {
      return MirrorSinkCounters.NIC_QUEUE_FULL;
    }
    if (m.contains("message too long")) {
      return MirrorSinkCounters.FRAME_TOO_LONG;
    }
    if (m.contains("network is down") || m.contains("no such device")) {
      return MirrorSinkCounters.LINK_DOWN;
    }
    return MirrorSinkCounters.SEND_ERROR;
  }

  @Override
  public void close() {
    handle.close();
  }
}

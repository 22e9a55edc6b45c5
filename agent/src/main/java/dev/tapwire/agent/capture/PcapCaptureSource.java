package dev.tapwire.agent.capture;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import com.sun.jna.Pointer;
import dev.tapwire.agent.config.CaptureDirection;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.sql.Timestamp;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.RawPacketListener;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * The one adapter around libpcap: pcap4j opens and configures the handle (promiscuous mode, snap
 * length, immediate mode, nanosecond timestamps, buffer size, direction, BPF filter) and reads its
 * statistics; frames are read from the same handle either through pcap4j or, by default, by calling
 * {@code pcap_dispatch} directly through {@code java.lang.foreign} with an upcall that hands
 * libpcap's own buffer to the receiver (no byte[] and no JNA per frame). Timestamps are read on the
 * capture thread, from the kernel's {@code pcap_pkthdr}.
 */
public final class PcapCaptureSource implements CaptureSource {
  private static final MethodHandle ON_PACKET;

  static {
    LibpcapLibrary.configurePcap4j();
    try {
      ON_PACKET =
          MethodHandles.lookup()
              .findVirtual(
                  PcapCaptureSource.class,
                  "onPacket",
                  MethodType.methodType(void.class, long.class, long.class, long.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String interfaceName;
  private final PcapHandle handle;
  private final long pcap;
  private final CapturePath path;
  private final boolean nanos;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment upcall;
  private final RawPacketListener pcap4jListener = this::onPcap4jPacket;
  private final StatisticsWidener widener = new StatisticsWidener();
  private FrameReceiver receiver;

  /** The expression in force: setting it again would make libpcap flush what its ring holds. */
  private String filter = "";

  private int upcallFailures;
  private boolean closed;

  private PcapCaptureSource(String interfaceName, PcapHandle handle, CapturePath path) {
    this.interfaceName = interfaceName;
    this.handle = handle;
    this.pcap = nativeHandle(handle);
    this.path = path;
    this.nanos = Libpcap.timestampPrecision(pcap) == Libpcap.TSTAMP_PRECISION_NANO;
    this.upcall = Libpcap.upcallStub(ON_PACKET.bindTo(this), arena);
  }

  /**
   * Opens and activates a capture handle and applies the filter.
   *
   * @throws CaptureException naming the interface (or the filter) and libpcap's reason
   */
  public static PcapCaptureSource open(CaptureSpec spec) throws CaptureException {
    String name = spec.interfaceName();
    PcapHandle handle = build(spec, PcapHandle.TimestampPrecision.NANO);
    try {
      DataLinkType linkType = handle.getDlt();
      if (!DataLinkType.EN10MB.equals(linkType)) {
        throw new CaptureException(
            "cannot mirror interface "
                + name
                + ": its link type is "
                + linkType
                + ", only Ethernet frames can be tunnelled");
      }
      if (spec.direction() != CaptureDirection.INOUT) {
        handle.setDirection(
            spec.direction() == CaptureDirection.IN
                ? PcapHandle.PcapDirection.IN
                : PcapHandle.PcapDirection.OUT);
      }
      // Non-blocking reads: the capture thread decides when to sleep (see CaptureWorker), so a
      // busy interface is read in batches instead of one wake-up per frame.
      handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
      if (!spec.filter().isEmpty()) {
        try {
          handle.setFilter(spec.filter(), BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException e) {
          throw new CaptureException(
              "invalid BPF filter '" + spec.filter() + "' on " + name + ": " + e.getMessage());
        }
      }
      PcapCaptureSource source = new PcapCaptureSource(name, handle, spec.path());
      source.filter = spec.filter();
      return source;
    } catch (CaptureException e) {
      handle.close();
      throw e;
    } catch (PcapNativeException | NotOpenException | RuntimeException e) {
      handle.close();
      throw new CaptureException("cannot capture on " + name + ": " + e.getMessage(), e);
    }
  }

  private static PcapHandle build(CaptureSpec spec, PcapHandle.TimestampPrecision precision)
      throws CaptureException {
    try {
      return new PcapHandle.Builder(spec.interfaceName())
          .snaplen(spec.snapLenBytes())
          .promiscuousMode(
              spec.promiscuous() ? PromiscuousMode.PROMISCUOUS : PromiscuousMode.NONPROMISCUOUS)
          .timeoutMillis(spec.timeoutMs())
          .bufferSize(spec.bufferBytes())
          .timestampPrecision(precision)
          .immediateMode(spec.immediateMode())
          .build();
    } catch (PcapNativeException e) {
      String message = String.valueOf(e.getMessage());
      if (precision == PcapHandle.TimestampPrecision.NANO
          && message.toLowerCase(java.util.Locale.ROOT).contains("precision")) {
        // No nanosecond timestamps on this platform: microseconds, reported as such.
        return build(spec, PcapHandle.TimestampPrecision.MICRO);
      }
      throw new CaptureException("cannot capture on " + spec.interfaceName() + ": " + message, e);
    }
  }

  /**
   * The {@code pcap_t *} inside pcap4j's handle, so that {@code pcap_dispatch} runs on the very
   * handle pcap4j configured. pcap4j keeps it in a private JNA {@link Pointer} field named {@code
   * handle} (checked for 1.8.2); there is no accessor.
   */
  private static long nativeHandle(PcapHandle handle) {
    try {
      Field field = PcapHandle.class.getDeclaredField("handle");
      field.setAccessible(true);
      return Pointer.nativeValue((Pointer) field.get(handle));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("this pcap4j version hides its pcap_t differently", e);
    }
  }

  @Override
  public String interfaceName() {
    return interfaceName;
  }

  @Override
  public boolean nanosecondTimestamps() {
    return nanos;
  }

  /** Upcalls that failed inside the receiver (a bug; the frame is lost, the JVM survives). */
  public int upcallFailures() {
    return upcallFailures;
  }

  @Override
  public int dispatch(int maxFrames, FrameReceiver frameReceiver) throws CaptureException {
    this.receiver = frameReceiver;
    return switch (path) {
      case DISPATCH -> dispatchNative(maxFrames);
      case PCAP4J_LOOP -> dispatchPcap4j(maxFrames);
      case PCAP4J_NEXT -> nextPcap4j(maxFrames);
    };
  }

  private int dispatchNative(int maxFrames) throws CaptureException {
    int rc = Libpcap.dispatch(pcap, maxFrames, upcall, 0L);
    if (rc >= 0) {
      return rc;
    }
    if (rc == -2) { // PCAP_ERROR_BREAK: pcap_breakloop was called.
      return 0;
    }
    throw new CaptureException("capture on " + interfaceName + " failed: " + Libpcap.error(pcap));
  }

  /**
   * Called by libpcap inside {@code pcap_dispatch}, on the capture thread. An exception must not
   * escape an upcall (the JVM would exit), so anything thrown is counted instead.
   */
  @SuppressWarnings("unused") // called through ON_PACKET
  private void onPacket(long user, long header, long bytes) {
    try {
      long seconds = Libpcap.EVERYTHING.get(JAVA_LONG_UNALIGNED, header + Libpcap.PKTHDR_TV_SEC);
      long fraction = Libpcap.EVERYTHING.get(JAVA_LONG_UNALIGNED, header + Libpcap.PKTHDR_TV_USEC);
      int capturedLength =
          Libpcap.EVERYTHING.get(JAVA_INT_UNALIGNED, header + Libpcap.PKTHDR_CAPLEN);
      int originalLength = Libpcap.EVERYTHING.get(JAVA_INT_UNALIGNED, header + Libpcap.PKTHDR_LEN);
      // In nanosecond mode libpcap puts nanoseconds into tv_usec.
      long timeNs = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1_000L);
      receiver.onFrame(Libpcap.EVERYTHING, bytes, capturedLength, originalLength, timeNs);
    } catch (Throwable t) {
      upcallFailures++;
    }
  }

  private int dispatchPcap4j(int maxFrames) throws CaptureException {
    try {
      return Math.max(0, handle.dispatch(maxFrames, pcap4jListener));
    } catch (PcapNativeException | NotOpenException e) {
      throw new CaptureException("capture on " + interfaceName + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      return 0; // breakloop
    }
  }

  private int nextPcap4j(int maxFrames) throws CaptureException {
    int count = 0;
    try {
      while (count < maxFrames) {
        byte[] frame = handle.getNextRawPacket();
        if (frame == null) {
          break;
        }
        onPcap4jPacket(frame);
        count++;
      }
    } catch (NotOpenException e) {
      throw new CaptureException("capture on " + interfaceName + " failed: " + e.getMessage(), e);
    }
    return count;
  }

  private void onPcap4jPacket(byte[] frame) {
    Timestamp timestamp = handle.getTimestamp();
    Integer originalLength = handle.getOriginalLength();
    long timeNs = Math.floorDiv(timestamp.getTime(), 1000L) * 1_000_000_000L + timestamp.getNanos();
    receiver.onFrame(
        MemorySegment.ofArray(frame),
        0,
        frame.length,
        originalLength == null ? frame.length : originalLength,
        timeNs);
  }

  @Override
  public void setFilter(String expression) throws CaptureException {
    if (expression.equals(filter)) {
      return; // unchanged (e.g. a policy equal to the local settings): the ring is left alone
    }
    try {
      handle.setFilter(expression, BpfCompileMode.OPTIMIZE);
      filter = expression;
    } catch (PcapNativeException | NotOpenException e) {
      throw new CaptureException(
          "invalid BPF filter '" + expression + "' on " + interfaceName + ": " + e.getMessage(), e);
    }
  }

  @Override
  public CaptureStatistics statistics() throws CaptureException {
    try {
      PcapStat stat = handle.getStats();
      return widener.update(
          stat.getNumPacketsReceived(),
          stat.getNumPacketsDropped(),
          stat.getNumPacketsDroppedByIf());
    } catch (PcapNativeException | NotOpenException e) {
      throw new CaptureException(
          "pcap_stats on " + interfaceName + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Synchronized with {@link #close}: pcap_breakloop on a closed handle would touch freed memory.
   */
  @Override
  public synchronized void breakLoop() {
    if (!closed) {
      Libpcap.breakLoop(pcap);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    handle.close();
    arena.close();
  }
}

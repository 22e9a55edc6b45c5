package dev.tapwire.agent.capture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The libpcap functions called through {@code java.lang.foreign}: the per-frame path ({@code
 * pcap_dispatch} with an upcall) and what pcap4j does not expose ({@code
 * pcap_get_tstamp_precision}, {@code bpf_image}). A {@code pcap_t *} is passed as a {@code long}:
 * on x86_64 a pointer and a long travel in the same register, and a long needs no {@link
 * MemorySegment} wrapper per call.
 *
 * <p>x86_64 layout of {@code struct pcap_pkthdr}: {@code struct timeval} (two longs), {@code
 * caplen}, {@code len}.
 */
@SuppressWarnings("restricted") // downcalls, upcalls and reinterpreting what libpcap returns
final class Libpcap {
  static final long PKTHDR_TV_SEC = 0;
  static final long PKTHDR_TV_USEC = 8;
  static final long PKTHDR_CAPLEN = 16;
  static final long PKTHDR_LEN = 20;

  /** {@code PCAP_TSTAMP_PRECISION_NANO}. */
  static final int TSTAMP_PRECISION_NANO = 1;

  /** {@code DLT_EN10MB}. */
  static final int DLT_EN10MB = 1;

  /** {@code struct bpf_program}: {@code u_int bf_len}, then {@code struct bpf_insn *bf_insns}. */
  static final long BPF_PROGRAM_BYTES = 16;

  static final long BPF_PROGRAM_INSNS = 8;

  /** {@code sizeof(struct bpf_insn)}. */
  static final long BPF_INSN_BYTES = 8;

  /** {@code void handler(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)}. */
  static final FunctionDescriptor HANDLER =
      FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_LONG);

  /** All of memory, for reading the header and frame an upcall points at without a new segment. */
  static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBRARY =
      SymbolLookup.libraryLookup(LibpcapLibrary.path(), Arena.global());

  private static final MethodHandle DISPATCH =
      downcall(
          "pcap_dispatch",
          FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle GET_TSTAMP_PRECISION =
      downcall("pcap_get_tstamp_precision", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
  private static final MethodHandle BREAKLOOP =
      downcall("pcap_breakloop", FunctionDescriptor.ofVoid(JAVA_LONG));
  private static final MethodHandle GETERR =
      downcall("pcap_geterr", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
  private static final MethodHandle OPEN_DEAD =
      downcall("pcap_open_dead", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT));
  private static final MethodHandle CLOSE =
      downcall("pcap_close", FunctionDescriptor.ofVoid(JAVA_LONG));
  private static final MethodHandle COMPILE =
      downcall(
          "pcap_compile",
          FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
  private static final MethodHandle FREECODE =
      downcall("pcap_freecode", FunctionDescriptor.ofVoid(ADDRESS));
  private static final MethodHandle BPF_IMAGE =
      downcall("bpf_image", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));

  private Libpcap() {}

  /** Creates the native function pointer that libpcap calls for each frame. */
  static MemorySegment upcallStub(MethodHandle target, Arena arena) {
    return LINKER.upcallStub(target, HANDLER, arena);
  }

  static int dispatch(long pcap, int count, MemorySegment handler, long user) {
    try {
      return (int) DISPATCH.invokeExact(pcap, count, handler, user);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int timestampPrecision(long pcap) {
    try {
      return (int) GET_TSTAMP_PRECISION.invokeExact(pcap);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void breakLoop(long pcap) {
    try {
      BREAKLOOP.invokeExact(pcap);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static String error(long pcap) {
    try {
      MemorySegment text = (MemorySegment) GETERR.invokeExact(pcap);
      return text.equals(MemorySegment.NULL) ? "" : text.reinterpret(1024).getString(0);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static long openDead(int linkType, int snapLen) {
    try {
      return (long) OPEN_DEAD.invokeExact(linkType, snapLen);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void close(long pcap) {
    try {
      CLOSE.invokeExact(pcap);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code pcap_compile} with optimisation and an unknown netmask; 0 on success. */
  static int compile(long pcap, MemorySegment program, MemorySegment expression) {
    try {
      return (int) COMPILE.invokeExact(pcap, program, expression, 1, 0xffffffff);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void freeCode(MemorySegment program) {
    try {
      FREECODE.invokeExact(program);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** One instruction as {@code tcpdump -d} prints it. */
  static String image(MemorySegment instruction, int number) {
    try {
      MemorySegment text = (MemorySegment) BPF_IMAGE.invokeExact(instruction, number);
      return text.reinterpret(256).getString(0);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
    MemorySegment symbol =
        LIBRARY
            .find(name)
            .orElseThrow(
                () -> new UnsatisfiedLinkError(name + " not found in " + LibpcapLibrary.path()));
    return LINKER.downcallHandle(symbol, descriptor);
  }

  private static AssertionError unexpected(Throwable t) {
    return new AssertionError("libpcap call failed unexpectedly", t);
  }
}

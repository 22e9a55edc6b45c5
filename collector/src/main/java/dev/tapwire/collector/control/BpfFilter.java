package dev.tapwire.collector.control;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A pcap-filter(7) expression compiled by libpcap ({@code pcap_open_dead} + {@code pcap_compile})
 * and run on frames in native memory with libpcap's {@code bpf_filter}, the interpreter tcpdump
 * uses for offline filtering. Needs no privileges. One thread runs {@link #matches}; {@link #close}
 * frees the program.
 */
@SuppressWarnings("restricted") // native calls into libpcap
public final class BpfFilter implements AutoCloseable {
  /** {@code sizeof(struct bpf_program)}: {@code u_int bf_len}, padding, {@code bf_insns}. */
  private static final long BPF_PROGRAM_BYTES = 16;

  private static final long BPF_PROGRAM_INSNS = 8;
  private static final int PCAP_NETMASK_UNKNOWN = 0xffffffff;

  private final Arena arena;
  private final MemorySegment program;
  private final MemorySegment instructions;
  private boolean closed;

  private BpfFilter(Arena arena, MemorySegment program) {
    this.arena = arena;
    this.program = program;
    this.instructions = program.get(ADDRESS, BPF_PROGRAM_INSNS);
  }

  /**
   * Compiles {@code expression} for frames of pcap link type {@code linkType}.
   *
   * @throws IllegalArgumentException with libpcap's message when the expression does not compile
   * @throws IllegalStateException when libpcap cannot be loaded
   */
  public static BpfFilter compile(String expression, int linkType) {
    Native lib = Native.get();
    long pcap = lib.openDead(linkType, 262_144);
    if (pcap == 0) {
      throw new IllegalStateException("pcap_open_dead failed");
    }
    Arena arena = Arena.ofShared();
    try {
      MemorySegment program = arena.allocate(BPF_PROGRAM_BYTES, 8);
      if (lib.compile(pcap, program, arena.allocateFrom(expression)) != 0) {
        throw new IllegalArgumentException(
            "invalid BPF filter '" + expression + "': " + lib.error(pcap));
      }
      return new BpfFilter(arena, program);
    } catch (RuntimeException | Error e) {
      arena.close();
      throw e;
    } finally {
      lib.close(pcap);
    }
  }

  /** Checks that {@code expression} compiles for {@code linkType}; null when it does. */
  public static String check(String expression, int linkType) {
    try {
      compile(expression, linkType).close();
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /**
   * Runs the program on a frame.
   *
   * @param frame the captured bytes, in native memory
   * @param wireLengthBytes the frame's length on the wire (at least {@code frame.byteSize()})
   */
  public boolean matches(MemorySegment frame, int wireLengthBytes) {
    return Native.get().filter(instructions, frame, wireLengthBytes, (int) frame.byteSize()) != 0;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Native.get().freeCode(program);
    arena.close();
  }

  /** The libpcap functions, loaded on first use so that a collector without BPF taps needs none. */
  private static final class Native {
    private static final List<String> CANDIDATES =
        List.of(
            "/usr/lib/x86_64-linux-gnu/libpcap.so.1",
            "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8",
            "/lib/x86_64-linux-gnu/libpcap.so.0.8",
            "/usr/lib64/libpcap.so.1",
            "/usr/lib/libpcap.so.1",
            "/usr/local/lib/libpcap.so.1",
            "/usr/local/lib/libpcap.so");
    private static volatile Native instance;

    private final MethodHandle openDead;
    private final MethodHandle close;
    private final MethodHandle compile;
    private final MethodHandle freeCode;
    private final MethodHandle geterr;
    private final MethodHandle bpfFilter;

    private Native() {
      Linker linker = Linker.nativeLinker();
      SymbolLookup lookup = SymbolLookup.libraryLookup(locate(), Arena.global());
      openDead = handle(linker, lookup, "pcap_open_dead", JAVA_LONG, JAVA_INT, JAVA_INT);
      close =
          linker.downcallHandle(find(lookup, "pcap_close"), FunctionDescriptor.ofVoid(JAVA_LONG));
      compile =
          handle(
              linker,
              lookup,
              "pcap_compile",
              JAVA_INT,
              JAVA_LONG,
              ADDRESS,
              ADDRESS,
              JAVA_INT,
              JAVA_INT);
      freeCode =
          linker.downcallHandle(find(lookup, "pcap_freecode"), FunctionDescriptor.ofVoid(ADDRESS));
      geterr = handle(linker, lookup, "pcap_geterr", ADDRESS, JAVA_LONG);
      bpfFilter =
          linker.downcallHandle(
              find(lookup, "bpf_filter"),
              FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT),
              Linker.Option.critical(false));
    }

    static Native get() {
      Native n = instance;
      if (n == null) {
        synchronized (Native.class) {
          n = instance;
          if (n == null) {
            try {
              n = new Native();
            } catch (IllegalArgumentException e) {
              throw new IllegalStateException("libpcap not found: " + e.getMessage(), e);
            }
            instance = n;
          }
        }
      }
      return n;
    }

    private static String locate() {
      for (String candidate : CANDIDATES) {
        if (Files.exists(Path.of(candidate))) {
          return candidate;
        }
      }
      return "libpcap.so.0.8";
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
      return lookup
          .find(name)
          .orElseThrow(() -> new IllegalStateException("libpcap has no " + name));
    }

    private static MethodHandle handle(
        Linker linker,
        SymbolLookup lookup,
        String name,
        java.lang.foreign.MemoryLayout result,
        java.lang.foreign.MemoryLayout... arguments) {
      return linker.downcallHandle(find(lookup, name), FunctionDescriptor.of(result, arguments));
    }

    long openDead(int linkType, int snapLen) {
      try {
        return (long) openDead.invokeExact(linkType, snapLen);
      } catch (Throwable t) {
        throw unexpected(t);
      }
    }

    void close(long pcap) {
      try {
        close.invokeExact(pcap);
      } catch (Throwable t) {
        throw unexpected(t);
      }
    }

    int compile(long pcap, MemorySegment program, MemorySegment expression) {
      try {
        return (int) compile.invokeExact(pcap, program, expression, 1, PCAP_NETMASK_UNKNOWN);
      } catch (Throwable t) {
        throw unexpected(t);
      }
    }

    void freeCode(MemorySegment program) {
      try {
        freeCode.invokeExact(program);
      } catch (Throwable t) {
        throw unexpected(t);
      }
    }

    String error(long pcap) {
      try {
        MemorySegment text = (MemorySegment) geterr.invokeExact(pcap);
        return text.equals(MemorySegment.NULL) ? "" : text.reinterpret(1024).getString(0);
      } catch (Throwable t) {
        throw unexpected(t);
      }
    }

    int filter(MemorySegment instructions, MemorySegment frame, int wireLength, int bufferLength) {
      try {
        return (int) bpfFilter.invokeExact(instructions, frame, wireLength, bufferLength);
      } catch (Throwable t) {
        throw unexpected(t);
      }
    }

    private static RuntimeException unexpected(Throwable t) {
      if (t instanceof RuntimeException r) {
        return r;
      }
      if (t instanceof Error e) {
        throw e;
      }
      return new IllegalStateException(t);
    }
  }
}

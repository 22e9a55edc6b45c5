package dev.tapwire.agent.capture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a BPF expression for Ethernet without opening an interface ({@code pcap_open_dead}), to
 * validate it and to show the program as {@code tcpdump -d} would. Needs no privileges.
 */
@SuppressWarnings("restricted") // reading the program libpcap allocated
public final class BpfCompiler {
  private BpfCompiler() {}

  /**
   * The compiled program, one instruction per line.
   *
   * @throws CaptureException if the expression does not compile (libpcap's message)
   */
  public static List<String> compile(String expression, int snapLenBytes) throws CaptureException {
    long pcap = Libpcap.openDead(Libpcap.DLT_EN10MB, snapLenBytes);
    if (pcap == 0) {
      throw new CaptureException("pcap_open_dead failed");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment program = arena.allocate(Libpcap.BPF_PROGRAM_BYTES, 8);
      if (Libpcap.compile(pcap, program, arena.allocateFrom(expression)) != 0) {
        throw new CaptureException(
            "invalid BPF filter '" + expression + "': " + Libpcap.error(pcap));
      }
      try {
        int count = program.get(JAVA_INT, 0);
        MemorySegment instructions =
            program
                .get(ADDRESS, Libpcap.BPF_PROGRAM_INSNS)
                .reinterpret(count * Libpcap.BPF_INSN_BYTES);
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          lines.add(Libpcap.image(instructions.asSlice(i * Libpcap.BPF_INSN_BYTES), i));
        }
        return lines;
      } finally {
        Libpcap.freeCode(program);
      }
    } finally {
      Libpcap.close(pcap);
    }
  }
}

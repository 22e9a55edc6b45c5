package dev.tapwire.bench.agent;

import dev.tapwire.agent.capture.CaptureException;
import dev.tapwire.agent.capture.CapturePath;
import dev.tapwire.agent.capture.CaptureSpec;
import dev.tapwire.agent.capture.FrameReceiver;
import dev.tapwire.agent.capture.PcapCaptureSource;
import dev.tapwire.agent.config.CaptureDirection;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.netio.PacketSocket;
import dev.tapwire.netio.SendBatch;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.VethPair;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-frame cost of reading frames from one libpcap handle, by path: {@code pcap_dispatch} through
 * {@code java.lang.foreign} with an upcall (the agent's path), pcap4j's {@code dispatch} with a raw
 * listener, and pcap4j's {@code getNextRawPacket}. The kernel ring is filled first with {@code N}
 * 64-byte frames while nobody reads it; then the frames are drained and timed, so the figure is the
 * user-space cost per frame (libpcap, the Java boundary and a copy into a slot), without the
 * generator competing for the CPU. Needs root. Run: {@code java --enable-native-access=ALL-UNNAMED
 * -cp bench/target/benchmarks.jar dev.tapwire.bench.agent.CapturePathBench [frames] [rounds]}.
 */
public final class CapturePathBench {
  private CapturePathBench() {}

  public static void main(String[] args) throws Exception {
    int frames = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    byte[] frame = new byte[64];
    for (int i = 0; i < frame.length; i++) {
      frame[i] = (byte) i;
    }
    frame[0] = 0x02; // a unicast MAC nobody has
    frame[12] = 0x08;
    frame[13] = 0x00;
    System.out.printf(
        "%-12s %5s %12s %12s %10s%n", "path", "round", "wall ns/fr", "cpu ns/fr", "frames");
    for (int round = 0; round < rounds; round++) {
      for (CapturePath path : CapturePath.values()) {
        Result r = measure(path, frames, frame);
        System.out.printf(
            "%-12s %5d %12.0f %12.0f %10d%n",
            path, round, r.wallNsPerFrame, r.cpuNsPerFrame, r.frames);
      }
    }
  }

  record Result(double wallNsPerFrame, double cpuNsPerFrame, long frames) {}

  static Result measure(CapturePath path, int frames, byte[] frame) throws Exception {
    try (Netns generator = Netns.create();
        Netns capture = Netns.create();
        VethPair link = VethPair.between(generator, capture).silent().create()) {
      CaptureSpec spec =
          new CaptureSpec(
              link.nameB(), 128, true, true, 256 << 20, 100, "", CaptureDirection.INOUT, path);
      PcapCaptureSource source =
          NetworkNamespace.runIn(capture.name(), () -> PcapCaptureSource.open(spec));
      try (source) {
        send(generator, link.nameA(), frame, frames);
        // Let the kernel finish queueing (softirq) so that only the reading is timed.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (source.statistics().received() < frames && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        return drain(source, frames);
      }
    }
  }

  private static Result drain(PcapCaptureSource source, int frames) throws CaptureException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment slot = arena.allocate(2048);
      long[] count = {0};
      FrameReceiver receiver =
          (memory, offset, capturedLength, originalLength, captureTimeNs) -> {
            MemorySegment.copy(memory, offset, slot, 0, capturedLength);
            count[0]++;
          };
      while (count[0] < 2_000) {
        source.dispatch((int) (2_000 - count[0]), receiver);
      }
      long warmed = count[0];
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      int idle = 0;
      while (count[0] < frames && idle < 3) {
        // Never ask for more than is queued: in immediate mode a read waits for the next frame.
        int ask = (int) Math.min(1024, frames - count[0]);
        idle = source.dispatch(ask, receiver) == 0 ? idle + 1 : 0;
      }
      long t1 = System.nanoTime();
      long cpu1 = threads.getCurrentThreadCpuTime();
      long measured = count[0] - warmed;
      if (source.statistics().kernelDrops() > 0 || count[0] < frames) {
        System.out.printf(
            "  (warning: %d of %d frames, %d kernel drops)%n",
            count[0], frames, source.statistics().kernelDrops());
      }
      return new Result((double) (t1 - t0) / measured, (double) (cpu1 - cpu0) / measured, count[0]);
    }
  }

  static void send(Netns ns, String iface, byte[] frame, int frames) throws Exception {
    NetworkNamespace.runIn(
        ns.name(),
        () -> {
          try (PacketSocket socket = PacketSocket.openTransmitOnly(iface);
              SendBatch batch = new SendBatch(1024, 2048)) {
            List<Integer> failures = new ArrayList<>();
            for (int sent = 0; sent < frames; ) {
              batch.clear();
              int n = Math.min(batch.capacity(), frames - sent);
              for (int i = 0; i < n; i++) {
                frame[6] = (byte) (sent + i);
                batch.add(frame, 0, frame.length, null);
              }
              socket.send(batch);
              failures.add(batch.failed());
              sent += n;
            }
            if (failures.stream().mapToInt(Integer::intValue).sum() > 0) {
              System.out.println("  (generator: some frames refused)");
            }
          }
          return null;
        });
  }
}

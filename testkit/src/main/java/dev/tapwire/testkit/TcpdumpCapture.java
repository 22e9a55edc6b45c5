package dev.tapwire.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An independent capture: {@code tcpdump -i IF -w FILE -U --immediate-mode -n -B 65536 [options]
 * [filter]} running inside a test namespace. {@link #start} returns once tcpdump reports that it is
 * listening; {@link #awaitPackets} polls the file, which tcpdump writes packet by packet; {@link
 * #stop} ends it with SIGINT and returns its own statistics.
 *
 * <p>The 64 MiB buffer ({@code -B}) matters: on an interface with offloads (a veth) libpcap sizes
 * each ring slot for a 64 KiB packet, so the default 2 MiB buffer holds only 32 packets and a
 * back-to-back burst from {@code sendmmsg} overflows it ("dropped by kernel").
 */
public final class TcpdumpCapture implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final String BUFFER_KIB = "65536";
  private static final Pattern STAT = Pattern.compile("^(\\d+) packets? (.+)$");

  /** One captured frame. */
  public record Frame(long timestampNanos, int originalLength, byte[] data) {}

  /** tcpdump's own counters, printed when it stops. */
  public record Stats(long captured, long receivedByFilter, long droppedByKernel) {}

  private final Process process;
  private final Path file;
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> listening = new CompletableFuture<>();
  private final Thread stderrReader;
  private Stats stats;

  private TcpdumpCapture(Process process, Path file) {
    this.process = process;
    this.file = file;
    this.stderrReader = Thread.ofPlatform().daemon().name("tcpdump-stderr").start(this::readStderr);
  }

  /** Captures on {@code iface} in {@code ns} into {@code file}, with an optional BPF filter. */
  public static TcpdumpCapture start(Netns ns, String iface, Path file, String filter) {
    return start(ns, iface, file, List.of(), filter);
  }

  /**
   * Captures on {@code iface} in {@code ns} into {@code file} with extra tcpdump {@code options}
   * (e.g. {@code "-Q", "in"}) and an optional BPF {@code filter} (null or empty for none).
   */
  public static TcpdumpCapture start(
      Netns ns, String iface, Path file, List<String> options, String filter) {
    List<String> args = new ArrayList<>(List.of("tcpdump", "-i", iface, "-w", file.toString()));
    args.addAll(List.of("-U", "--immediate-mode", "-n", "-B", BUFFER_KIB));
    args.addAll(options);
    if (filter != null && !filter.isBlank()) {
      args.add(filter);
    }
    Process p;
    try {
      p =
          new ProcessBuilder(ns.execCommand(args.toArray(String[]::new)))
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start tcpdump", e);
    }
    TcpdumpCapture capture = new TcpdumpCapture(p, file);
    capture.awaitListening();
    return capture;
  }

  /** The capture file. */
  public Path file() {
    return file;
  }

  /** Frames written to the file so far (only complete records). */
  public int packetCount() {
    return readFrames(file).size();
  }

  /** Waits until the file holds at least {@code n} frames; fails after {@code timeout}. */
  public void awaitPackets(int n, Duration timeout) {
    Poll.until(
        timeout,
        n + " packets in " + file,
        () -> packetCount() >= n,
        () -> packetCount() + " packets; tcpdump stderr: " + stderr);
  }

  /** Stops tcpdump with SIGINT, waits for it to exit, and returns its statistics. */
  public Stats stop() {
    if (stats != null) {
      return stats;
    }
    if (process.isAlive()) {
      Exec.run("kill", "-INT", Long.toString(process.pid())).check();
    }
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("tcpdump did not stop within " + STOP_TIMEOUT);
      }
      stderrReader.join(STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while stopping tcpdump", e);
    }
    stats = parseStats(stderr);
    return stats;
  }

  /** What tcpdump printed on stderr so far. */
  public List<String> stderr() {
    return List.copyOf(stderr);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        stop();
      } catch (RuntimeException | AssertionError e) {
        process.destroyForcibly();
      }
    }
  }

  /**
   * The frames of a classic pcap file (microsecond or nanosecond, either byte order), stopping at a
   * record that is not complete yet.
   */
  public static List<Frame> readFrames(Path pcap) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(pcap);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pcap, e);
    }
    List<Frame> frames = new ArrayList<>();
    if (bytes.length < 24) {
      return frames;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int magic = b.getInt(0);
    boolean nanos;
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
      nanos = magic == 0xa1b23c4d;
    } else if (Integer.reverseBytes(magic) == 0xa1b2c3d4
        || Integer.reverseBytes(magic) == 0xa1b23c4d) {
      b.order(ByteOrder.BIG_ENDIAN);
      nanos = Integer.reverseBytes(magic) == 0xa1b23c4d;
    } else {
      throw new IllegalArgumentException(pcap + " is not a classic pcap file");
    }
    int pos = 24;
    while (pos + 16 <= bytes.length) {
      long sec = b.getInt(pos) & 0xffffffffL;
      long frac = b.getInt(pos + 4) & 0xffffffffL;
      int inclLen = b.getInt(pos + 8);
      int origLen = b.getInt(pos + 12);
      if (pos + 16 + inclLen > bytes.length) {
        break;
      }
      byte[] data = new byte[inclLen];
      System.arraycopy(bytes, pos + 16, data, 0, inclLen);
      frames.add(new Frame(sec * 1_000_000_000L + (nanos ? frac : frac * 1_000), origLen, data));
      pos += 16 + inclLen;
    }
    return frames;
  }

  /** Packets of a capture file that match a BPF {@code filter} ({@code tcpdump -r}). */
  public static int countMatching(Path pcap, String filter) {
    String out = Exec.check("tcpdump", "-r", pcap.toString(), "-n", filter);
    return (int) out.lines().filter(l -> !l.isBlank()).count();
  }

  private void awaitListening() {
    try {
      listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new AssertionError("tcpdump not listening within " + START_TIMEOUT + ": " + stderr);
    } catch (ExecutionException e) {
      process.destroyForcibly();
      throw new AssertionError("tcpdump failed to start: " + stderr, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new AssertionError("interrupted while starting tcpdump", e);
    }
  }

  private void readStderr() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        stderr.add(line);
        if (line.contains("listening on")) {
          listening.complete(null);
        }
      }
    } catch (IOException e) {
      listening.completeExceptionally(e);
    } finally {
      listening.completeExceptionally(new IllegalStateException("tcpdump exited"));
    }
  }

  private static Stats parseStats(List<String> lines) {
    long captured = -1;
    long received = -1;
    long dropped = -1;
    for (String line : lines) {
      Matcher m = STAT.matcher(line.strip());
      if (!m.matches()) {
        continue;
      }
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "captured" -> captured = n;
        case "received by filter" -> received = n;
        case "dropped by kernel" -> dropped = n;
        default -> {}
      }
    }
    if (captured < 0) {
      throw new AssertionError("no statistics from tcpdump: " + lines);
    }
    return new Stats(captured, received, dropped);
  }
}

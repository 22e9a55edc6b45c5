package dev.tapwire.bench.agent;

import dev.tapwire.agent.Agent;
import dev.tapwire.agent.AgentPlan;
import dev.tapwire.agent.AgentStartupException;
import dev.tapwire.agent.capture.CapturePath;
import dev.tapwire.agent.config.AgentConfigLoader;
import dev.tapwire.agent.config.AgentSettingKeys;
import dev.tapwire.agent.metrics.AgentTotals;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.VethPair;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The agent's highest lossless rate (capture, encapsulate, send) against {@code tcpdump -w
 * /dev/null} on the same traffic, in the same run. trafgen (pinned to CPU 0) sends 60-byte frames
 * (64 with FCS) into a veth, paced by a tbf qdisc; the agent (this JVM, to be started pinned to CPU
 * 1) captures the other end and sends ERSPAN III over a second veth to a collector address whose
 * MAC nobody has, so that the receiver drops each packet on arrival and its IP stack is not charged
 * to the agent's core. A run is lossless when every frame was captured and sent with no kernel,
 * hand-off or send drop (tcpdump: captured all, none dropped by kernel). Needs root, trafgen, tc,
 * tcpdump.
 *
 * <p>Variants ({@code -Dvariants=}): {@code agent} (immediate mode, the default), {@code
 * agent-blocks} ({@code --immediate-mode false}), {@code agent-nosend} (a 1 packet/s rate limit, so
 * almost nothing is sent: the cost of capture and hand-off alone), {@code tcpdump}.
 *
 * <p>Run: {@code taskset -c 1 java --enable-native-access=ALL-UNNAMED -cp
 * bench/target/benchmarks.jar dev.tapwire.bench.agent.AgentThroughputBench [seconds] [reps]
 * [rate...]}.
 */
public final class AgentThroughputBench {
  private static final int FRAME_BYTES = 60;

  private AgentThroughputBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<Integer> rates = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      rates.add(Integer.parseInt(args[i]));
    }
    if (rates.isEmpty()) {
      rates.addAll(List.of(100_000, 200_000, 300_000, 400_000));
    }
    Path conf = Files.createTempFile("trafgen", ".cfg");
    Files.writeString(
        conf,
        "{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,"
            + " fill(0x11, 46) }\n");
    try (Netns generator = Netns.create();
        Netns agentNs = Netns.create();
        Netns sinkNs = Netns.create();
        VethPair tap = VethPair.between(generator, agentNs).silent().create();
        VethPair export =
            VethPair.between(agentNs, sinkNs)
                .addresses("198.18.2.1/24", "198.18.2.3/24")
                .create()) {
      // The collector's MAC is one nobody has: the sink drops each tunnel packet on arrival
      // (PACKET_OTHERHOST), so its IP stack costs the agent's core nothing.
      agentNs.ip(
          "neigh",
          "replace",
          "198.18.2.2",
          "lladdr",
          "02:00:00:00:00:99",
          "dev",
          export.nameA(),
          "nud",
          "permanent");
      System.out.printf(
          "%-8s %9s %4s %10s %10s %8s %8s %8s %9s %s%n",
          "tool",
          "rate",
          "rep",
          "offered",
          "captured",
          "kdrop",
          "qfull",
          "sent",
          "cpu ns/f",
          "lossless");
      String variants = System.getProperty("variants", "agent,agent-blocks,tcpdump");
      for (String variant : variants.split(",")) {
        // Warm-up (JIT) at the lowest rate, not reported.
        if (!variant.equals("tcpdump")) {
          runAgent(variant, generator, agentNs, tap, conf, rates.get(0), 1);
        }
        for (int rate : rates) {
          for (int rep = 0; rep < reps; rep++) {
            Row row =
                variant.equals("tcpdump")
                    ? runTcpdump(generator, agentNs, tap, conf, rate, seconds)
                    : runAgent(variant, generator, agentNs, tap, conf, rate, seconds);
            System.out.printf(
                "%-12s %9d %4d %10d %10d %8d %8d %8d %9.0f %8d %s%n",
                variant,
                rate,
                rep,
                row.offered,
                row.captured,
                row.kernelDrops,
                row.queueFull,
                row.sent,
                row.cpuNsPerFrame,
                rssMiB(),
                row.lossless() ? "yes" : "no");
          }
        }
      }
    } finally {
      Files.deleteIfExists(conf);
    }
  }

  record Row(
      long offered,
      long captured,
      long kernelDrops,
      long queueFull,
      long sent,
      double cpuNsPerFrame) {
    boolean lossless() {
      return captured == offered
          && kernelDrops == 0
          && queueFull == 0
          && (sent < 0 || sent == offered);
    }
  }

  private static Row runAgent(
      String variant,
      Netns generator,
      Netns agentNs,
      VethPair tap,
      Path conf,
      int rate,
      int seconds)
      throws Exception {
    Map<String, List<String>> flags = new HashMap<>();
    flags.put(AgentSettingKeys.INTERFACE, List.of(tap.nameB()));
    flags.put(AgentSettingKeys.COLLECTOR, List.of("198.18.2.2"));
    flags.put(
        AgentSettingKeys.IMMEDIATE_MODE,
        List.of(variant.equals("agent-blocks") ? "false" : "true"));
    if (variant.equals("agent-nosend")) {
      // Everything is rate-limited away: what capture and the hand-off cost without sending.
      flags.put(AgentSettingKeys.RATE_LIMIT_PPS, List.of("1"));
    }
    Agent agent = NetworkNamespace.runIn(agentNs.name(), () -> start(flags));
    long frames = (long) rate * seconds;
    long cpu0 = processCpuNs();
    try {
      generate(generator, tap.nameA(), conf, rate, frames);
      long deadline = System.nanoTime() + 10_000_000_000L;
      long last = -1;
      while (System.nanoTime() < deadline) {
        AgentTotals t = agent.totals();
        if (t.captured() == last && t.inFlight() == 0) {
          break;
        }
        last = t.captured();
        Thread.sleep(200);
      }
    } finally {
      agent.close();
    }
    long cpu = processCpuNs() - cpu0;
    AgentTotals t = agent.totals();
    return new Row(
        frames,
        t.captured(),
        t.kernelDrops(),
        t.queueFull() + t.sendError(),
        variant.equals("agent-nosend") ? -1 : t.sent(),
        (double) cpu / Math.max(1, t.captured()));
  }

  private static Agent start(Map<String, List<String>> flags) throws AgentStartupException {
    return Agent.start(
        AgentPlan.of(
            AgentConfigLoader.load(
                new LayeredSettings(
                    flags, Map.of(), AgentSettingKeys.ENVIRONMENT_PREFIX, Map.of(), "bench"))),
        CapturePath.DISPATCH,
        false);
  }

  private static Row runTcpdump(
      Netns generator, Netns agentNs, VethPair tap, Path conf, int rate, int seconds)
      throws Exception {
    long frames = (long) rate * seconds;
    Process tcpdump =
        new ProcessBuilder(
                agentNs.execCommand(
                    "taskset",
                    "-c",
                    "1",
                    "tcpdump",
                    "-i",
                    tap.nameB(),
                    "-w",
                    "/dev/null",
                    "-n",
                    "-s",
                    "1516",
                    "-B",
                    "32768"))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader err =
        new BufferedReader(new InputStreamReader(tcpdump.getErrorStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = err.readLine()) != null && !line.contains("listening on")) {
      // wait until it captures
    }
    generate(generator, tap.nameA(), conf, rate, frames);
    // tcpdump reads TPACKET_V3 blocks; the last one is handed over when its timeout (1 s) retires
    // it.
    Thread.sleep(1_500);
    long cpu = cpuNs(tcpdump.pid());
    Exec.run("kill", "-INT", Long.toString(tcpdump.pid()));
    long captured = -1;
    long dropped = -1;
    while ((line = err.readLine()) != null) {
      String[] words = line.strip().split(" ");
      if (line.endsWith("packets captured")) {
        captured = Long.parseLong(words[0]);
      } else if (line.endsWith("dropped by kernel")) {
        dropped = Long.parseLong(words[0]);
      }
    }
    tcpdump.waitFor(10, TimeUnit.SECONDS);
    return new Row(frames, captured, dropped, 0, -1, (double) cpu / Math.max(1, captured));
  }

  /** trafgen on CPU 0 through the qdisc, paced by tbf at {@code rate} frames/s. */
  private static void generate(Netns generator, String iface, Path conf, int rate, long frames) {
    long bits = (long) rate * FRAME_BYTES * 8;
    generator.exec("tc", "qdisc", "del", "dev", iface, "root");
    generator
        .exec(
            "tc",
            "qdisc",
            "add",
            "dev",
            iface,
            "root",
            "tbf",
            "rate",
            bits + "bit",
            "burst",
            Integer.toString(32 * 1600),
            "limit",
            Integer.toString(1 << 22))
        .check();
    Exec.Result r =
        Exec.run(
            generator.execCommand(
                "taskset",
                "-c",
                "0",
                "trafgen",
                "-i",
                conf.toString(),
                "-o",
                iface,
                "-n",
                Long.toString(frames),
                "-q",
                "-P",
                "1",
                "--no-sock-mem"),
            Duration.ofSeconds(frames / Math.max(1, rate) + 60));
    r.check();
  }

  /** Resident memory of this JVM (VmRSS), MiB: flat under overload if nothing grows. */
  private static long rssMiB() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }

  private static long processCpuNs() throws Exception {
    return cpuNs(ProcessHandle.current().pid());
  }

  /** utime + stime of a process from /proc, in ns (USER_HZ = 100). */
  private static long cpuNs(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
  }
}

package dev.tapwire.cli.control;

import dev.tapwire.proto.v1.AdminServiceGrpc;
import dev.tapwire.proto.v1.DropCounter;
import dev.tapwire.proto.v1.GetStatsRequest;
import dev.tapwire.proto.v1.GetStatsResponse;
import dev.tapwire.proto.v1.StageCounters;
import dev.tapwire.proto.v1.StreamStats;
import io.grpc.ManagedChannel;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tapwire stats}: the collector's counters per stage, per drop reason and per stream. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = {
      "Shows a collector's counters: frames per stage, drops by stage and reason, and per stream"
          + " the frames received, lost in the network (sequence gaps) and when last seen.",
      "The numbers are those of the collector's /metrics. With --watch the tables refresh and"
          + " show rates."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:shown", "1:the collector could not be reached or refused the call"})
public final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;
  @Mixin OutputFormatOption output;

  @Option(names = "--agent", paramLabel = "ID", description = "Only the streams of this agent.")
  String agentId = "";

  @Option(
      names = "--watch",
      arity = "0..1",
      fallbackValue = "2",
      paramLabel = "SECONDS",
      description = "Refresh every SECONDS (default 2) until interrupted.")
  Integer watchSeconds;

  @Option(
      names = "--iterations",
      paramLabel = "N",
      defaultValue = "0",
      description = "With --watch: stop after N refreshes (0: never).")
  int iterations;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ControlCalls.with(
        control,
        channel -> {
          try {
            loop(channel, out);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        });
    return 0;
  }

  private void loop(ManagedChannel channel, PrintWriter out) throws InterruptedException {
    GetStatsResponse previous = null;
    for (int i = 1; ; i++) {
      GetStatsResponse now =
          AdminServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(control.timeoutSeconds(), TimeUnit.SECONDS)
              .getStats(GetStatsRequest.newBuilder().setAgentId(agentId).build());
      if (output.json()) {
        out.println(OutputFormatOption.json(now, watchSeconds != null));
      } else {
        if (watchSeconds != null && System.console() != null) {
          out.print("\033[H\033[2J"); // clear the terminal between refreshes
        } else if (previous != null) {
          out.println();
        }
        print(now, previous, out);
      }
      out.flush();
      if (watchSeconds == null || (iterations > 0 && i >= iterations)) {
        return;
      }
      previous = now;
      Thread.sleep(TimeUnit.SECONDS.toMillis(Math.max(1, watchSeconds)));
    }
  }

  static void print(GetStatsResponse now, GetStatsResponse previous, PrintWriter out) {
    double seconds =
        previous == null
            ? 0
            : (now.getSnapshotTimeUnixNanos() - previous.getSnapshotTimeUnixNanos()) / 1e9;
    TextTable stages = new TextTable("STAGE", "PROCESSED", "DROPPED", "QUEUE", "RATE/S");
    Map<String, Long> before = new HashMap<>();
    if (previous != null) {
      previous
          .getStagesList()
          .forEach(s -> before.put(s.getStage().name(), s.getProcessedFrames()));
    }
    for (StageCounters s : now.getStagesList()) {
      Long earlier = before.get(s.getStage().name());
      stages.row(
          Names.of(s.getStage()),
          s.getProcessedFrames(),
          s.getDroppedFrames(),
          s.getQueueCapacityFrames() == 0
              ? Long.toString(s.getQueueDepthFrames())
              : s.getQueueDepthFrames() + "/" + s.getQueueCapacityFrames(),
          rate(s.getProcessedFrames(), earlier, seconds));
    }
    stages.print(out);

    TextTable drops = new TextTable("STAGE", "DROP REASON", "FRAMES");
    for (DropCounter d : now.getUnattributedDropsList()) {
      drops.row(Names.of(d.getStage()), Names.of(d.getReason()), d.getDroppedFrames());
    }
    out.println();
    if (drops.isEmpty()) {
      out.println("no drops");
    } else {
      drops.print(out);
    }

    Map<String, Long> streamsBefore = new HashMap<>();
    if (previous != null) {
      previous
          .getStreamsList()
          .forEach(s -> streamsBefore.put(Names.of(s.getKey()), s.getReceivedFrames()));
    }
    TextTable streams =
        new TextTable(
            "STREAM",
            "AGENT",
            "INTERFACE",
            "RECEIVED",
            "RATE/S",
            "BYTES",
            "LOST",
            "GAPS",
            "TRUNCATED",
            "LAST SEEN");
    for (StreamStats s : now.getStreamsList()) {
      String name = Names.of(s.getKey());
      streams.row(
          name,
          s.getAgentId(),
          s.getInterfaceName(),
          s.getReceivedFrames(),
          rate(s.getReceivedFrames(), streamsBefore.get(name), seconds),
          Units.count(s.getReceivedBytes()),
          s.getLostFrames(),
          s.getSequenceGapEvents(),
          s.getTruncatedFrames(),
          Units.ago(s.getLastSeenUnixNanos(), now.getSnapshotTimeUnixNanos()));
    }
    out.println();
    if (streams.isEmpty()) {
      out.println("no streams");
    } else {
      streams.print(out);
    }
  }

  private static String rate(long now, Long before, double seconds) {
    if (before == null || seconds <= 0) {
      return "-";
    }
    return Units.count((now - before) / seconds);
  }
}

package dev.tapwire.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import dev.tapwire.agent.Agent;
import dev.tapwire.agent.config.AgentSettingKeys;
import dev.tapwire.cli.testing.InProcess;
import dev.tapwire.collector.Collector;
import dev.tapwire.collector.config.CollectorSettingKeys;
import dev.tapwire.collector.control.AgentRegistry;
import dev.tapwire.collector.sink.FrameSink;
import dev.tapwire.proto.v1.AgentInfo;
import dev.tapwire.proto.v1.AgentSelector;
import dev.tapwire.proto.v1.CapturePolicy;
import dev.tapwire.proto.v1.SetPolicyRequest;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.Tshark;
import dev.tapwire.testkit.VethPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent registers with a real collector's control plane (gRPC on the default port 7460),
 * starts under its own settings, then takes a BPF filter set for all agents at run time: the
 * collector's capture file holds every frame before the change and only the selected ones after it,
 * still in the agent's own encapsulation (a change of one field keeps the others).
 */
class ControlPlaneIT {
  private static final String AGENT = "198.18.4.1";
  private static final String COLLECTOR = "198.18.4.2";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  @SuppressWarnings("try") // the export link only has to exist
  void aFilterSetForAllAgentsChangesWhatTheCollectorWrites() throws Exception {
    RootRequirement.check();
    Path output = Files.createDirectories(dir.resolve("out"));
    try (Netns generator = Netns.create();
        Netns agentNs = Netns.create();
        Netns collectorNs = Netns.create();
        VethPair tap = VethPair.between(generator, agentNs).silent().create();
        VethPair export =
            VethPair.between(agentNs, collectorNs)
                .addresses(AGENT + "/30", COLLECTOR + "/30")
                .create()) {
      Collector collector = startCollector(collectorNs, output);
      Agent agent = null;
      try {
        agent = startAgent(agentNs, tap.nameB());
        Agent running = agent;
        AgentRegistry registry = collector.controlPlane().registry();
        Poll.until(TIMEOUT, "the agent registered", () -> running.control().connected());
        // The first policy is the agent's own settings: applied, nothing changes.
        Poll.until(
            TIMEOUT,
            "the agent's first policy applied",
            () -> running.control().policiesApplied() == 1,
            () -> running.control().lastError());
        List<AgentInfo> agents = registry.list(all());
        assertThat(agents).hasSize(1);

        FrameSink file = collector.sinks().getFirst();
        InProcess.send(generator, tap.nameA(), frames(0, 10)); // ports 2000 and 3000 alternately
        Poll.until(TIMEOUT, "10 frames written", () -> file.framesDelivered() == 10);

        registry.setPolicy(
            SetPolicyRequest.newBuilder()
                .setTarget(all())
                .setPolicy(CapturePolicy.newBuilder().setBpfFilter("udp dst port 2000"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("bpf_filter"))
                .build());
        Poll.until(
            TIMEOUT,
            "the filter applied",
            () -> running.control().policiesApplied() == 2,
            () -> running.control().lastError());
        assertThat(registry.list(all()).getFirst().getPolicy().getBpfFilter())
            .isEqualTo("udp dst port 2000");

        InProcess.send(generator, tap.nameA(), frames(10, 10));
        Poll.until(TIMEOUT, "15 frames written", () -> file.framesDelivered() == 15);
        running.close();
        agent = null;
        assertThat(running.totals().captured())
            .as("the kernel filter let only port 2000 through after the change")
            .isEqualTo(15);
      } finally {
        if (agent != null) {
          agent.close();
        }
        collector.close();
      }
      Path written = onlyFile(output);
      assertThat(Tshark.field(written, "udp.dstport"))
          .as("everything before the filter, then port 2000 only")
          .containsExactly(
              "2000", "3000", "2000", "3000", "2000", "3000", "2000", "3000", "2000", "3000",
              "2000", "2000", "2000", "2000", "2000");
      assertThat(Tshark.field(written, "frame.interface_name"))
          .as("still the agent's own ERSPAN III tunnel after the change")
          .hasSize(15)
          .allSatisfy(name -> assertThat(name).startsWith(AGENT + "/erspan_iii-"))
          .containsOnly(Tshark.field(written, "frame.interface_name").getFirst());
    }
  }

  private static AgentSelector all() {
    return AgentSelector.newBuilder().setAllAgents(true).build();
  }

  private static Collector startCollector(Netns ns, Path output) throws Exception {
    Map<String, List<String>> flags = new HashMap<>();
    flags.put(CollectorSettingKeys.QUEUE_FRAMES, List.of("4096"));
    flags.put(CollectorSettingKeys.METRICS_PORT, List.of("0"));
    flags.put(CollectorSettingKeys.OUTPUT_DIR, List.of(output.toString()));
    return InProcess.collector(ns, flags);
  }

  private static Agent startAgent(Netns ns, String iface) throws Exception {
    Map<String, List<String>> flags = new HashMap<>();
    flags.put(AgentSettingKeys.INTERFACE, List.of(iface));
    flags.put(AgentSettingKeys.COLLECTOR, List.of(COLLECTOR));
    flags.put(AgentSettingKeys.ENCAP, List.of("erspan3"));
    flags.put(AgentSettingKeys.METRICS_PORT, List.of("0"));
    return InProcess.agent(ns, flags);
  }

  /** IPv4/UDP frames numbered from {@code first}, to port 2000 (even) or 3000 (odd). */
  private static List<byte[]> frames(int first, int count) {
    List<byte[]> frames = new ArrayList<>();
    for (int n = first; n < first + count; n++) {
      byte[] frame = new byte[60];
      byte[] ethernet = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
      System.arraycopy(ethernet, 0, frame, 0, ethernet.length);
      byte[] ip = {0x45, 0, 0, 46, 0, 0, 0x40, 0, 64, 17, 0, 0, (byte) 198, 18, 5, 1};
      System.arraycopy(ip, 0, frame, 14, ip.length);
      frame[30] = (byte) 198;
      frame[31] = 18;
      frame[32] = 5;
      frame[33] = 2;
      int port = n % 2 == 0 ? 2000 : 3000;
      frame[34] = 0x04;
      frame[35] = (byte) 0xd2; // source port 1234
      frame[36] = (byte) (port >> 8);
      frame[37] = (byte) port;
      frame[39] = 26; // UDP length
      frame[42] = (byte) n;
      frames.add(frame);
    }
    return frames;
  }

  private static Path onlyFile(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      List<Path> files = list.filter(p -> p.toString().endsWith(".pcapng")).toList();
      assertThat(files).hasSize(1);
      return files.getFirst();
    }
  }
}

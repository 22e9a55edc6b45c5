package dev.tapwire.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.agent.config.AgentSettingKeys;
import dev.tapwire.agent.metrics.AgentTotals;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import dev.tapwire.testkit.VethPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two interfaces, one capture thread each: two sessions, each with its own sequence numbers. */
class AgentTwoInterfacesIT {
  @TempDir Path dir;

  @Test
  void eachInterfaceIsItsOwnSessionWithContiguousSequenceNumbers() throws Exception {
    RootRequirement.check();
    try (MirrorLab lab = MirrorLab.create();
        VethPair second = VethPair.between(lab.generator, lab.agentNs).silent().create();
        TcpdumpCapture arrived = lab.tcpdumpCollector(dir.resolve("a.pcap"), "ip proto 47")) {
      Map<String, List<String>> flags = lab.flags(MirrorLab.COLLECTOR4, "session-id", "40");
      flags.put(AgentSettingKeys.INTERFACE, List.of(lab.capturedInterface(), second.nameB()));
      Agent agent = lab.startAgent(flags);
      try {
        lab.send(AgentDropsIT.frames(15, 90));
        lab.send(second.nameA(), AgentDropsIT.frames(25, 110));
        arrived.awaitPackets(40, Duration.ofSeconds(20));
      } finally {
        agent.close();
      }
      AgentTotals totals = agent.totals();
      assertThat(totals.captured()).isEqualTo(40);
      assertThat(totals.sent()).isEqualTo(40);
      List<Long> first = new ArrayList<>();
      List<Long> other = new ArrayList<>();
      for (TsharkTunnelDecode.Packet packet : TsharkTunnelDecode.decode(arrived.file())) {
        long session = packet.number("erspan.spanid");
        assertThat(session).isIn(40L, 41L);
        (session == 40 ? first : other).add(packet.number("gre.sequence_number"));
        assertThat(packet.inner().length).isEqualTo(session == 40 ? 90 : 110);
      }
      assertThat(first).hasSize(15).isEqualTo(range(15));
      assertThat(other).hasSize(25).isEqualTo(range(25));
    }
  }

  private static List<Long> range(int n) {
    List<Long> values = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      values.add(i);
    }
    return values;
  }
}

package dev.tapwire.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.agent.metrics.AgentTotals;
import dev.tapwire.netio.NetworkNamespace;
import dev.tapwire.netio.PacketSocket;
import dev.tapwire.netio.SendBatch;
import dev.tapwire.testkit.Poll;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent captures the very interface it exports through. Without the automatic exclusion every
 * tunnel packet would be captured and tunnelled again, without end; with it each frame is sent once
 * and the export grows linearly with the traffic. The export goes through the transmit ring (a
 * static neighbour entry), whose frames other packet sockets see leave like the raw socket's.
 */
class AgentFeedbackLoopIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void eachFrameIsExportedOnceWhenCapturingTheExportInterface() throws Exception {
    RootRequirement.check();
    try (MirrorLab lab = MirrorLab.create();
        TcpdumpCapture arrived = lab.tcpdumpCollector(dir.resolve("arrived.pcap"), "ip proto 47")) {
      String exportInterface = lab.export.nameA();
      // A static neighbour entry: no ARP on the link, so only the test's frames are there to see.
      lab.agentNs.ip(
          "neigh",
          "replace",
          MirrorLab.COLLECTOR4,
          "lladdr",
          lab.export.macB(),
          "dev",
          exportInterface,
          "nud",
          "permanent");
      var flags = lab.flags(MirrorLab.COLLECTOR4, "interface", exportInterface, "filter", "ip");
      Agent agent = lab.startAgent(flags);
      AgentTotals afterFirst;
      try {
        sendFromCollector(lab, 100);
        Poll.until(
            TIMEOUT,
            "100 sent",
            () -> agent.totals().sent() >= 100,
            () -> agent.totals().toString());
        arrived.awaitPackets(100, TIMEOUT);
        afterFirst = agent.totals();
        sendFromCollector(lab, 100);
        Poll.until(
            TIMEOUT,
            "200 sent",
            () -> agent.totals().sent() >= 200,
            () -> agent.totals().toString());
        arrived.awaitPackets(200, TIMEOUT);
      } finally {
        agent.close();
      }
      AgentTotals totals = agent.totals();
      assertThat(afterFirst.captured()).as("first 100 frames, no echo").isEqualTo(100);
      assertThat(totals.captured())
          .as("linear: twice the traffic, twice the export")
          .isEqualTo(200);
      assertThat(totals.sent()).isEqualTo(200);
      assertThat(agent.metrics().sentByRing())
          .as("sent through the transmit ring, seen by libpcap as outgoing and left out")
          .isEqualTo(200);
      assertThat(arrived.stop().captured()).isEqualTo(200);
      for (TsharkTunnelDecode.Packet packet : TsharkTunnelDecode.decode(arrived.file())) {
        byte[] inner = packet.inner();
        assertThat(inner[14 + 9])
            .as("no tunnel packet inside a tunnel packet")
            .isNotEqualTo((byte) 47);
      }
    }
  }

  /**
   * A collector that answers each tunnel packet with ICMP protocol unreachable, on the interface
   * the agent captures: mirrored, every error would draw a tunnel packet that draws another error.
   * The errors are left out, counted as send errors where the kernel reports them, and the loop
   * never starts.
   */
  @Test
  void icmpErrorsAboutTheTunnelAreNotMirroredBack() throws Exception {
    RootRequirement.check();
    try (MirrorLab lab = MirrorLab.create();
        TcpdumpCapture icmp = lab.tcpdumpCollector(dir.resolve("icmp.pcap"), "icmp")) {
      lab.closeCollectorSockets();
      String exportInterface = lab.export.nameA();
      lab.agentNs.ip(
          "neigh",
          "replace",
          MirrorLab.COLLECTOR4,
          "lladdr",
          lab.export.macB(),
          "dev",
          exportInterface,
          "nud",
          "permanent");
      lab.collector.sysctl("net.ipv4.icmp_ratelimit", "0");
      Agent agent =
          lab.startAgent(
              lab.flags(MirrorLab.COLLECTOR4, "interface", exportInterface, "filter", "ip"));
      try {
        sendFromCollector(lab, 100);
        Poll.until(
            TIMEOUT,
            "100 frames handled",
            () -> {
              AgentTotals t = agent.totals();
              return t.sent() + t.sendError() == 100;
            },
            () -> agent.totals().toString());
        icmp.awaitPackets(1, TIMEOUT);
      } finally {
        agent.close();
      }
      AgentTotals totals = agent.totals();
      assertThat(totals.captured())
          .as("the ICMP errors were not captured: %s", totals)
          .isEqualTo(100);
      assertThat(totals.balanced()).isTrue();
    }
  }

  /** Frames from the collector's side of the export link, addressed to a MAC nobody has. */
  private static void sendFromCollector(MirrorLab lab, int count) throws Exception {
    List<byte[]> frames = AgentDropsIT.frames(count, 120);
    NetworkNamespace.runIn(
        lab.collector.name(),
        () -> {
          try (PacketSocket socket = PacketSocket.openTransmitOnly(lab.export.nameB());
              SendBatch batch = new SendBatch(count, 2048)) {
            for (byte[] frame : frames) {
              batch.add(frame, 0, frame.length, null);
            }
            socket.send(batch);
          }
          return null;
        });
  }
}

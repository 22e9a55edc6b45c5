package dev.tapwire.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Exec;
import dev.tapwire.testkit.ExternalTool;
import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.RootRequirement;
import dev.tapwire.testkit.TcpdumpCapture;
import dev.tapwire.testkit.VethPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent and collector as the unprivileged user {@code nobody} with only the capabilities each role
 * needs (util-linux {@code setpriv}; ambient capabilities reach the JVM): the agent with
 * CAP_NET_RAW alone (libpcap capture, promiscuous mode included, and raw IP export), the collector
 * with CAP_NET_RAW (raw GRE receive, AF_PACKET re-emit) and CAP_NET_ADMIN (preparing the mirror
 * NIC). Without them each fails at startup with one line naming what is missing, and no stack
 * trace.
 */
class LeastPrivilegeIT {
  private static final String NOBODY = "65534";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
    ExternalTool.require("setpriv");
  }

  /** {@code setpriv} as nobody, with exactly {@code caps} (e.g. "net_raw") and no other. */
  static List<String> asNobody(String... caps) {
    StringBuilder set = new StringBuilder("-all");
    for (String c : caps) {
      set.append(",+").append(c);
    }
    return List.of(
        "setpriv",
        "--reuid=" + NOBODY,
        "--regid=" + NOBODY,
        "--clear-groups",
        "--inh-caps=" + set,
        "--ambient-caps=" + set,
        "--bounding-set=" + set,
        "--no-new-privs");
  }

  @Test
  void agentWithNetRawAndCollectorWithNetRawAndNetAdminMirrorEndToEnd() throws Exception {
    Path files = outputDirForNobody();
    try (Lab lab = Lab.create(dir)) {
      TcpdumpCapture ids =
          TcpdumpCapture.start(lab.ids, lab.mirror.nameB(), dir.resolve("ids.pcap"), null);
      try {
        TapwireProcess collector =
            lab.startCollector(
                "collector",
                asNobody("net_raw", "net_admin"),
                List.of("-w", files.toString(), "--mirror-nic", lab.mirror.nameA()));
        // A 64 MiB capture buffer, far above net.core.rmem_max: libpcap's mmap ring needs no more.
        TapwireProcess agent = lab.startAgent("agent", asNobody("net_raw"), "-B", "65536");
        assertThat(uid(collector)).isEqualTo(NOBODY);
        assertThat(uid(agent)).isEqualTo(NOBODY);
        // libpcap put the captured interface in promiscuous mode with CAP_NET_RAW alone.
        assertThat(lab.agentNs.ip("-d", "link", "show", "dev", lab.captured.nameB()))
            .contains("promiscuity 1");
        lab.startTraffic(1000, 200, 300);
        ids.awaitPackets(2000, TIMEOUT);
        lab.stopTraffic();
        Scrape settled = lab.settleCollector(true);
        assertThat(settled.decoded()).isGreaterThanOrEqualTo(2000);
        assertThat(settled.delivered("mirror")).isEqualTo(settled.decoded());
        assertThat(settled.delivered("file")).isEqualTo(settled.decoded());
        assertThat(collector.stop(Duration.ofSeconds(20))).isTrue();
        long idsCaptured = lab.checkIds(ids, settled.decoded());
        // tshark reads the files nobody wrote; the frames are the generator's.
        List<Path> written = CaptureFiles.pcapng(files);
        assertThat(written).hasSize(1);
        assertThat(Files.getOwner(written.getFirst()).getName()).isEqualTo("nobody");
        assertThat(CaptureFiles.checkReadable(written.getFirst())).isEqualTo(settled.decoded());
        assertThat(TcpdumpCapture.countMatching(ids.file(), "udp dst port 9"))
            .isEqualTo((int) idsCaptured);
      } finally {
        ids.close();
      }
    }
  }

  @Test
  void withoutTheCapabilitiesEachRoleStopsWithOneClearLine() throws Exception {
    Path files = outputDirForNobody();
    try (Lab lab = Lab.create(dir)) {
      assertFailsClearly(
          lab.launch("agent-no-caps", lab.agentNs, asNobody(), agentArgs(lab)), "CAP_NET_RAW");
      assertFailsClearly(
          lab.launch(
              "collector-no-caps",
              lab.collectorNs,
              asNobody(),
              List.of("collector", "-w", files.toString(), "--metrics-address", "127.0.0.1")),
          "CAP_NET_RAW");
      assertFailsClearly(
          lab.launch(
              "collector-no-net-admin",
              lab.collectorNs,
              asNobody("net_raw"),
              List.of(
                  "collector",
                  "--no-files",
                  "--mirror-nic",
                  lab.mirror.nameA(),
                  "--metrics-address",
                  "127.0.0.1")),
          "CAP_NET_ADMIN");
    }
  }

  @Test
  void aMirrorNicWithAddressesNeedsForceAndMirroredFramesGoNowhereElse() throws Exception {
    try (Lab lab = Lab.create(dir);
        Netns other = Netns.create();
        VethPair side =
            VethPair.between(lab.collectorNs, other)
                .addresses("198.18.43.1/24", "198.18.43.2/24")
                .create()) {
      lab.collectorNs.ip("addr", "add", "198.18.42.1/24", "dev", lab.mirror.nameA());
      lab.collectorNs.ip("link", "set", "dev", lab.mirror.nameA(), "up");
      List<String> args = List.of("--no-files", "--mirror-nic", lab.mirror.nameA());
      List<String> refusedArgs = new ArrayList<>(collectorArgs(args));
      refusedArgs.addAll(List.of("--metrics-address", "127.0.0.1"));
      TapwireProcess refused =
          lab.launch("collector-refused", lab.collectorNs, List.of(), refusedArgs);
      assertThat(refused.waitFor(TIMEOUT)).as("exit code (cannot start)").isEqualTo(1);
      assertThat(refused.log()).contains("carries addresses 198.18.42.1").contains("force");
      assertNoStackTrace(refused);

      // The collector's host would route the mirrored frames' destination out of the other link,
      // if they ever entered its IP stack.
      lab.collectorNs.sysctl("net.ipv4.ip_forward", "1");
      lab.collectorNs.ip("route", "add", "198.18.41.0/24", "via", "198.18.43.2");
      TcpdumpCapture ids =
          TcpdumpCapture.start(lab.ids, lab.mirror.nameB(), dir.resolve("ids.pcap"), null);
      TcpdumpCapture elsewhere =
          TcpdumpCapture.start(other, side.nameB(), dir.resolve("other.pcap"), null);
      try {
        List<String> forced = new ArrayList<>(args);
        forced.add("--force");
        lab.startCollector("collector-forced", List.of(), forced);
        lab.startAgent("agent");
        lab.startTraffic(1000, 200, 300);
        ids.awaitPackets(2000, TIMEOUT);
        lab.stopTraffic();
        Scrape settled = lab.settleCollector(true);
        long idsCaptured = lab.checkIds(ids, settled.delivered("mirror"));
        elsewhere.stop();
        assertThat(TcpdumpCapture.countMatching(ids.file(), "udp dst port 9"))
            .isEqualTo((int) idsCaptured);
        assertThat(TcpdumpCapture.countMatching(elsewhere.file(), "udp dst port 9"))
            .as("mirrored frames on the collector's other link")
            .isZero();
        assertThat(
                Long.parseLong(
                    lab.collectorNs
                        .execChecked(
                            "cat", "/sys/class/net/" + side.nameA() + "/statistics/tx_packets")
                        .strip()))
            .as("packets the collector host sent on its other link")
            .isLessThan(10);
      } finally {
        ids.close();
        elsewhere.close();
      }
    }
  }

  private static List<String> collectorArgs(List<String> extra) {
    List<String> args = new ArrayList<>(List.of("collector"));
    args.addAll(extra);
    return args;
  }

  private static List<String> agentArgs(Lab lab) {
    return List.of(
        "agent",
        "-i",
        lab.captured.nameB(),
        "--collector",
        Lab.COLLECTOR_ADDRESS,
        "--metrics-address",
        "127.0.0.1");
  }

  private static void assertFailsClearly(TapwireProcess p, String capability) throws Exception {
    int exit = p.waitFor(TIMEOUT);
    assertThat(exit).as("%s exit code; output:%n%s", p.name(), p.log()).isNotZero();
    assertThat(p.log()).as("%s output", p.name()).contains(capability);
    assertNoStackTrace(p);
  }

  private static void assertNoStackTrace(TapwireProcess p) {
    assertThat(p.log())
        .as("%s output", p.name())
        .doesNotContain("\tat ")
        .doesNotContain("Exception in thread");
  }

  /** A directory nobody may write, below a temporary directory nobody may traverse. */
  private Path outputDirForNobody() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path files = Files.createDirectories(dir.resolve("files"));
    Exec.check("chown", NOBODY + ":" + NOBODY, files.toString());
    return files;
  }

  private static String uid(TapwireProcess p) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
      if (line.startsWith("Uid:")) {
        return line.split("\\s+")[1];
      }
    }
    throw new AssertionError("no Uid in /proc/" + p.pid() + "/status");
  }
}

package dev.tapwire.agent.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tapwire.agent.capture.BpfCompiler;
import dev.tapwire.agent.capture.CaptureException;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureFilterTest {
  private static final InetAddress C4 = address("198.18.1.2");
  private static final InetAddress C6 = address("2001:db8:1::2");

  @Test
  void withoutAUserFilterOnlyTheExportTrafficIsLeftOut() {
    assertThat(CaptureFilter.effective("", List.of(ExportFlow.gre(C4))))
        .isEqualTo(
            "not ((ip and dst host 198.18.1.2 and ip proto 47) or (icmp and (icmp[0] == 3 or"
                + " icmp[0] == 11 or icmp[0] == 12) and icmp[17] == 47 and icmp[24:4] =="
                + " 0xc6120102))");
  }

  @Test
  void theExclusionComesBeforeTheUserFilterSoVlanCannotShiftIt() {
    assertThat(CaptureFilter.effective(" vlan 100 ", List.of(ExportFlow.gre(C4))))
        .startsWith("not ((ip and dst host 198.18.1.2 and ip proto 47) or (icmp")
        .endsWith(")) and (vlan 100)");
  }

  @Test
  void udpTunnelsExcludeNonFirstFragmentsAndIpv6CoversFragmentHeaders() {
    assertThat(ExportFlow.udp(C4, 4789).bpf())
        .startsWith(
            "(ip and dst host 198.18.1.2 and ip proto 17 and (udp dst port 4789 or ip[6:2] & 0x1fff"
                + " != 0)) or (icmp")
        .contains("icmp[17] == 17");
    assertThat(ExportFlow.gre(C6).bpf())
        .startsWith("(ip6 and dst host 2001:db8:1:0:0:0:0:2 and (ip6 proto 47 or ip6 proto 44)) or")
        .contains("ip6[54] == 47 and ip6[72:4] == 0x20010db8 and ip6[76:4] == 0x10000")
        .endsWith("ip6[84:4] == 0x2)");
    assertThat(CaptureFilter.exportTraffic(List.of(ExportFlow.gre(C4), ExportFlow.udp(C6, 4789))))
        .contains(" or ");
  }

  @Test
  void everyCombinationCompilesWithLibpcap() throws CaptureException {
    for (ExportFlow flow :
        List.of(
            ExportFlow.gre(C4),
            ExportFlow.gre(C6),
            ExportFlow.udp(C4, 4789),
            ExportFlow.udp(C6, 8472),
            new ExportFlow(C4, ExportFlow.Kind.TCP_CONTROL, 9460))) {
      for (String user : List.of("", "tcp port 179", "vlan 100 and arp", "not stp")) {
        List<String> program =
            BpfCompiler.compile(CaptureFilter.effective(user, List.of(flow)), 1500);
        assertThat(program).isNotEmpty();
        assertThat(program.getLast()).contains("ret");
      }
    }
  }

  @Test
  void aBadExpressionNamesItselfAndLibpcapsReason() {
    assertThatThrownBy(() -> BpfCompiler.compile("tcp port eleventy", 1500))
        .isInstanceOf(CaptureException.class)
        .hasMessageContaining("invalid BPF filter 'tcp port eleventy'");
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}

package dev.tapwire.collector.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelGreCheckTest {
  @TempDir Path dir;

  @Test
  void findsLoadedAndBuiltInAnsweringModulesOnly() throws IOException {
    Path modules = dir.resolve("modules");
    Files.writeString(
        modules,
        "gre 12288 1 ip_gre, Live 0x0\nip_gre 32768 0 - Live 0x0\nip_tunnel 36864 1 ip_gre\n");
    Path sys = Files.createDirectories(dir.resolve("sys"));
    assertThat(KernelGreCheck.answeringModules(modules, sys)).containsExactly("ip_gre");

    Files.writeString(modules, "gre 12288 0 - Live 0x0\n");
    Files.createDirectories(sys.resolve("ip6_gre"));
    assertThat(KernelGreCheck.answeringModules(modules, sys)).containsExactly("ip6_gre");
    assertThat(KernelGreCheck.warning(KernelGreCheck.answeringModules(modules, sys)))
        .contains("ip6_gre")
        .contains("ICMP unreachable");
  }

  @Test
  void nothingToWarnAboutWithoutThem() {
    assertThat(KernelGreCheck.answeringModules(dir.resolve("missing"), dir.resolve("missing-too")))
        .isEmpty();
    assertThat(KernelGreCheck.warning(java.util.List.of())).isNull();
  }
}

package dev.tapwire.netio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.testkit.Netns;
import dev.tapwire.testkit.RootRequirement;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetworkNamespaceIT {
  @BeforeEach
  void needsRoot() {
    RootRequirement.check();
  }

  @Test
  void runInMovesOnlyTheNewThread() throws Exception {
    try (Netns ns = Netns.create()) {
      String before = NetworkNamespace.currentThreadNamespace();
      Object inode = Files.getAttribute(NetworkNamespace.RUN_DIR.resolve(ns.name()), "unix:ino");

      String inside = NetworkNamespace.runIn(ns.name(), NetworkNamespace::currentThreadNamespace);

      assertThat(inside).isEqualTo("net:[" + inode + "]").isNotEqualTo(before);
      assertThat(NetworkNamespace.currentThreadNamespace()).isEqualTo(before);
      assertThat(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString()).isEqualTo(before);
    }
  }
}

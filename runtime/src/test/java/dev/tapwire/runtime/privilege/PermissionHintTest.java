package dev.tapwire.runtime.privilege;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PermissionHintTest {
  @Test
  void namesTheCapabilityForARefusedPrivilege() {
    assertThat(PermissionHint.withHint("socket: Operation not permitted [EPERM, errno 1]", "X"))
        .isEqualTo("socket: Operation not permitted [EPERM, errno 1] (needs X)");
    assertThat(
            PermissionHint.withHint(
                "cannot write 1 to /proc/sys/x: java.nio.file.AccessDeniedException: /proc/sys/x",
                "CAP_NET_ADMIN"))
        .endsWith("(needs CAP_NET_ADMIN)");
    assertThat(PermissionHint.withHint("socket: Permission denied", "Y")).endsWith("(needs Y)");
  }

  @Test
  void leavesOtherErrorsAlone() {
    assertThat(PermissionHint.withHint("mirror-nic eth9: no such interface", "X"))
        .isEqualTo("mirror-nic eth9: no such interface");
  }
}

package dev.tapwire.netio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class ErrnoExceptionTest {
  @Test
  void messageNamesCallSubjectTextAndNumber() {
    ErrnoException e = new ErrnoException("bind", "198.18.0.2", Errno.EADDRNOTAVAIL);

    assertThat(e)
        .hasMessage("bind(198.18.0.2): Cannot assign requested address [EADDRNOTAVAIL, errno 99]");
    assertThat(e.call()).isEqualTo("bind");
    assertThat(e.errno()).isEqualTo(99);
  }

  @Test
  void messageWithoutSubject() {
    assertThat(new ErrnoException("socket", Errno.EPERM))
        .hasMessage("socket: Operation not permitted [EPERM, errno 1]");
  }

  @Test
  void strerrorTextComesFromTheCLibrary() {
    assertThat(Errno.message(Errno.ENOBUFS)).isEqualTo("No buffer space available");
    assertThat(Errno.message(Errno.ENOPROTOOPT)).isEqualTo("Protocol not available");
    assertThat(Errno.message(4242)).isEqualTo("Unknown error 4242");
    assertThat(Errno.name(4242)).isEqualTo("E?");
  }

  @Test
  void errnoIsCapturedFromARealFailedCall() {
    try (Arena arena = Arena.ofConfined()) {
      assertThatThrownBy(() -> Libc.close(Libc.newCallState(arena), -1))
          .isInstanceOf(ErrnoException.class)
          .hasMessage("close: Bad file descriptor [EBADF, errno 9]");
    }
  }

  @Test
  void unknownInterfaceIsEnodev() {
    assertThatThrownBy(() -> Links.index("tw-nosuch0"))
        .isInstanceOfSatisfying(
            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV))
        .hasMessage("if_nametoindex(tw-nosuch0): No such device [ENODEV, errno 19]");
  }

  @Test
  void namespaceThatDoesNotExist() {
    assertThatThrownBy(() -> NetworkNamespace.enterCurrentThread("tw-does-not-exist"))
        .isInstanceOfSatisfying(
            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
        .hasMessageStartingWith("open(tw-does-not-exist): No such file or directory");
  }
}

package dev.tapwire.collector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SessionAllowlistTest {
  @Test
  void parsesSingleIdsAndInclusiveRanges() {
    assertThat(SessionRange.parse("7")).isEqualTo(new SessionRange(7, 7));
    assertThat(SessionRange.parse(" 100-199 ")).isEqualTo(new SessionRange(100, 199));
    assertThat(SessionRange.parse("0-4294967295")).isEqualTo(new SessionRange(0, 0xFFFF_FFFFL));
  }

  @Test
  void rejectsWhatIsNotARange() {
    for (String bad : List.of("", "-", "-5", "5-", "a", "1-2-3", "0x10", "1 - 2", "99999999999")) {
      assertThatThrownBy(() -> SessionRange.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
    assertThatThrownBy(() -> SessionRange.parse("4294967296")).hasMessageContaining("outside");
    assertThatThrownBy(() -> SessionRange.parse("9-3")).hasMessageContaining("empty range");
  }

  @Test
  void emptyListAllowsEverySessionAndNoSession() {
    assertThat(SessionAllowlist.ANY.allowsAll()).isTrue();
    assertThat(SessionAllowlist.ANY.allows(-1)).isTrue();
    assertThat(SessionAllowlist.ANY.allows(12_345)).isTrue();
    assertThat(SessionAllowlist.ANY).hasToString("any");
  }

  @Test
  void allowsExactlyTheIdsOfItsRanges() {
    SessionAllowlist list =
        new SessionAllowlist(
            List.of(
                SessionRange.parse("300-399"),
                SessionRange.parse("7"),
                SessionRange.parse("350-450"),
                SessionRange.parse("8"),
                SessionRange.parse("4294967295")));
    assertThat(list.allowsAll()).isFalse();
    assertThat(list).hasToString("7-8, 300-450, 4294967295");
    for (long id : new long[] {7, 8, 300, 399, 400, 450, 0xFFFF_FFFFL}) {
      assertThat(list.allows(id)).as("%d", id).isTrue();
    }
    for (long id : new long[] {-1, 0, 6, 9, 299, 451, 0xFFFF_FFFEL}) {
      assertThat(list.allows(id)).as("%d", id).isFalse();
    }
  }
}

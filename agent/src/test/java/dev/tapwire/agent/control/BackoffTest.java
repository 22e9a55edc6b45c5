package dev.tapwire.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final long MS = 1_000_000L;

  @Test
  void doublesWithJitterUpToTheCapAndStartsOverAfterASuccess() {
    Backoff backoff = new Backoff(500 * MS, 30_000 * MS, new Random(7));
    long[] bases = {500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000};
    for (long base : bases) {
      long delay = backoff.nextDelayNs();
      assertThat(delay).isBetween(base * MS * 8 / 10, base * MS * 12 / 10);
    }
    backoff.reset();
    assertThat(backoff.nextDelayNs()).isBetween(400 * MS, 600 * MS);
  }

  @Test
  void jitterSpreadsAgentsThatFailTogether() {
    long first = new Backoff(500 * MS, 30_000 * MS, new Random(1)).nextDelayNs();
    long second = new Backoff(500 * MS, 30_000 * MS, new Random(2)).nextDelayNs();
    assertThat(first).isNotEqualTo(second);
  }
}

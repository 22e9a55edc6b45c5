package dev.tapwire.runtime.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpscQueueTest {
  @Test
  void refusesOffersBeyondCapacityAndKeepsOrder() {
    SpscQueue<Integer> queue = new SpscQueue<>(3);
    assertThat(queue.capacity()).isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      assertThat(queue.offer(i)).isTrue();
    }
    assertThat(queue.offer(99)).isFalse();
    assertThat(queue.size()).isEqualTo(4);
    assertThat(queue.poll()).isEqualTo(0);
    assertThat(queue.offer(4)).isTrue();
    List<Integer> drained = new ArrayList<>();
    assertThat(queue.drain(drained::add, 10)).isEqualTo(4);
    assertThat(drained).containsExactly(1, 2, 3, 4);
    assertThat(queue.poll()).isNull();
  }

  @Test
  void transfersEveryElementInOrderBetweenTwoThreads() throws InterruptedException {
    SpscQueue<Integer> queue = new SpscQueue<>(64);
    int count = 200_000;
    Thread producer =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 0; i < count; ) {
                    if (queue.offer(i)) {
                      i++;
                    } else {
                      Thread.onSpinWait();
                    }
                  }
                });
    int expected = 0;
    while (expected < count) {
      Integer value = queue.poll();
      if (value == null) {
        Thread.onSpinWait();
        continue;
      }
      assertThat(value).isEqualTo(expected);
      expected++;
    }
    producer.join();
    assertThat(queue.poll()).isNull();
  }
}

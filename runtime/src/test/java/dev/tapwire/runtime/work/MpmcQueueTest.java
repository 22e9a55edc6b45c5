package dev.tapwire.runtime.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MpmcQueueTest {
  @Test
  void fifoBoundedAndEmpty() {
    MpmcQueue<Integer> queue = new MpmcQueue<>(3);
    assertThat(queue.capacity()).isEqualTo(4);
    assertThat(queue.poll()).isNull();
    for (int i = 0; i < 4; i++) {
      assertThat(queue.offer(i)).isTrue();
    }
    assertThat(queue.offer(99)).as("full").isFalse();
    assertThat(queue.size()).isEqualTo(4);
    assertThat(queue.poll()).isEqualTo(0);
    assertThat(queue.offer(4)).isTrue();
    for (int i = 1; i <= 4; i++) {
      assertThat(queue.poll()).isEqualTo(i);
    }
    assertThat(queue.poll()).isNull();
    assertThat(queue.size()).isZero();
  }

  @Test
  void wrapsManyLaps() {
    MpmcQueue<Integer> queue = new MpmcQueue<>(2);
    for (int i = 0; i < 10_000; i++) {
      assertThat(queue.offer(i)).isTrue();
      assertThat(queue.poll()).isEqualTo(i);
    }
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> new MpmcQueue<Integer>(4).offer(null))
        .isInstanceOf(NullPointerException.class);
  }

  /**
   * Like a frame pool: a fixed set of tokens circulates between threads that take and give back
   * concurrently. Every token must stay unique (never handed to two takers at once) and none may be
   * lost.
   */
  @Test
  void tokensCirculateWithoutLossOrDuplication() throws Exception {
    int tokens = 64;
    int threads = 4;
    int rounds = 200_000;
    MpmcQueue<Integer> pool = new MpmcQueue<>(tokens);
    for (int i = 0; i < tokens; i++) {
      assertThat(pool.offer(i)).isTrue();
    }
    AtomicInteger[] holders = new AtomicInteger[tokens];
    for (int i = 0; i < tokens; i++) {
      holders[i] = new AtomicInteger();
    }
    AtomicInteger violations = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      start.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return;
                    }
                    int done = 0;
                    while (done < rounds) {
                      Integer token = pool.poll();
                      if (token == null) {
                        Thread.onSpinWait();
                        continue;
                      }
                      if (holders[token].incrementAndGet() != 1) {
                        violations.incrementAndGet();
                      }
                      holders[token].decrementAndGet();
                      if (!pool.offer(token)) {
                        violations.incrementAndGet();
                      }
                      done++;
                    }
                  }));
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    assertThat(violations.get()).isZero();
    BitSet seen = new BitSet();
    Integer token;
    while ((token = pool.poll()) != null) {
      assertThat(seen.get(token)).as("token %d twice", token).isFalse();
      seen.set(token);
    }
    assertThat(seen.cardinality()).isEqualTo(tokens);
  }
}

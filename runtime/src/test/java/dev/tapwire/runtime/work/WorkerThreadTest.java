package dev.tapwire.runtime.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkerThreadTest {
  @Test
  void failingWorkerIsReportedUnhealthyAndClosed() throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    Worker failing =
        new Worker() {
          @Override
          public int doWork(long nowNs) {
            throw new IllegalStateException("boom");
          }

          @Override
          public String roleName() {
            return "test-failing";
          }

          @Override
          public void onClose() {
            closed.countDown();
          }
        };
    WorkerThread thread = WorkerThread.start(failing);
    assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
    thread.close();
    assertThat(thread.healthy()).isFalse();
    assertThat(thread.failure()).hasMessage("boom");
  }

  @Test
  void passesTheClockAndStopsOnClose() throws InterruptedException {
    CountDownLatch sawTime = new CountDownLatch(3);
    long[] last = {-1};
    Worker worker =
        new Worker() {
          @Override
          public int doWork(long nowNs) {
            if (nowNs > last[0]) {
              last[0] = nowNs;
              sawTime.countDown();
            }
            return 0;
          }

          @Override
          public String roleName() {
            return "test-clock";
          }
        };
    long[] clock = {0};
    WorkerThread thread =
        new WorkerThread(worker, new BackoffIdleStrategy(0, 0, 1_000, 10_000), () -> ++clock[0])
            .startThread();
    assertThat(sawTime.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(thread.healthy()).isTrue();
    thread.close();
    assertThat(thread.healthy()).isFalse();
    assertThat(thread.failure()).isNull();
  }
}

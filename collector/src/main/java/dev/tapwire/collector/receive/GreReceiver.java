package dev.tapwire.collector.receive;

import dev.tapwire.runtime.work.Worker;

/** A raw GRE receiver thread's worker: a {@link RingGreReceiver} or a {@link RawGreReceiver}. */
public interface GreReceiver extends Worker {
  /** True while its socket is open. */
  boolean isOpen();
}

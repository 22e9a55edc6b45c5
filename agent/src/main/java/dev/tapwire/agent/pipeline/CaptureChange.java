package dev.tapwire.agent.pipeline;

import dev.tapwire.agent.capture.CaptureSpec;
import java.util.concurrent.CompletableFuture;

/**
 * A policy change for one capture thread, applied between two reads: a new kernel filter, a new
 * sampling ratio and, when a handle setting changed (promiscuous mode, buffer size), a new handle.
 *
 * @param filter the complete BPF expression (export exclusion included)
 * @param sampleOneInN keep one frame in N (1 keeps all)
 * @param reopen the spec of a new handle, or null to keep the live one
 * @param done completed by the capture thread once the change is in force, or exceptionally with
 *     the reason it is not (the previous settings then stay)
 */
public record CaptureChange(
    String filter, int sampleOneInN, CaptureSpec reopen, CompletableFuture<Void> done) {

  public CaptureChange(String filter, int sampleOneInN, CaptureSpec reopen) {
    this(filter, sampleOneInN, reopen, new CompletableFuture<>());
  }
}

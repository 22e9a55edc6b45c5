package dev.tapwire.agent.pipeline;

import dev.tapwire.agent.encap.Encapsulator;
import dev.tapwire.agent.encap.RateLimiter;
import dev.tapwire.agent.encap.Session;
import dev.tapwire.agent.transport.Transport;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A policy change for the send thread, applied between two batches: the tunnel format and sizes (a
 * new encapsulator), the sessions, the rate limit and, when the destination or the IP protocol
 * changed, a new transport.
 *
 * @param sessions one per hand-off, in the same order
 * @param transport the new transport (the old one is flushed and closed), or null to keep it
 * @param done completed by the send thread once the change is in force
 */
public record SendChange(
    Encapsulator encapsulator,
    List<Session> sessions,
    RateLimiter rateLimiter,
    Transport transport,
    CompletableFuture<Void> done) {

  public SendChange(
      Encapsulator encapsulator,
      List<Session> sessions,
      RateLimiter rateLimiter,
      Transport transport) {
    this(encapsulator, List.copyOf(sessions), rateLimiter, transport, new CompletableFuture<>());
  }
}

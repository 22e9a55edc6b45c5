package dev.tapwire.cli.control;

import dev.tapwire.cli.UserFacingException;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Runs calls on a channel and turns gRPC failures into one line a user can act on. */
public final class ControlCalls {
  private ControlCalls() {}

  /** Opens a channel, runs {@code body}, closes the channel. */
  public static <T> T with(ControlOptions options, Function<ManagedChannel, T> body) {
    ManagedChannel channel = options.channel();
    try {
      return body.apply(channel);
    } catch (StatusRuntimeException e) {
      throw failure(e, options);
    } finally {
      channel.shutdownNow();
      try {
        channel.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The user's view of a failed call. */
  public static UserFacingException failure(StatusRuntimeException e, ControlOptions options) {
    Status status = e.getStatus();
    String detail = status.getDescription() == null ? "" : status.getDescription();
    if (status.getCause() != null && detail.isEmpty()) {
      detail = String.valueOf(status.getCause().getMessage());
    }
    String message =
        switch (status.getCode()) {
          case UNAVAILABLE ->
              "cannot reach the collector at "
                  + options.target()
                  + (detail.isEmpty() ? "" : ": " + detail);
          case DEADLINE_EXCEEDED ->
              "the collector at "
                  + options.target()
                  + " did not answer within "
                  + options.timeoutSeconds()
                  + " s (deadline exceeded)";
          case PERMISSION_DENIED -> "permission denied: " + detail;
          case UNAUTHENTICATED -> "not authenticated: " + detail;
          case NOT_FOUND, INVALID_ARGUMENT, RESOURCE_EXHAUSTED, FAILED_PRECONDITION -> detail;
          default -> status.getCode() + (detail.isEmpty() ? "" : ": " + detail);
        };
    return new UserFacingException(message, e);
  }
}

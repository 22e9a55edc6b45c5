package dev.tapwire.collector.control;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Puts the call's remote and local addresses in its {@link Context}, so that Register can record
 * the agent's address and tell it which collector address to send its tunnel to.
 */
final class PeerAddressInterceptor implements ServerInterceptor {
  static final Context.Key<String> REMOTE = Context.key("tapwire-remote-address");
  static final Context.Key<String> LOCAL_HOST = Context.key("tapwire-local-host");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    SocketAddress local = call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR);
    Context context =
        Context.current()
            .withValues(REMOTE, remote == null ? "" : text(remote), LOCAL_HOST, host(local));
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static String text(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      String host = inet.getAddress().getHostAddress();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return address.toString();
  }

  private static String host(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return "";
  }
}

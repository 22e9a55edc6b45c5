package dev.tapwire.collector.receive.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Puts a call's remote and local addresses in its context, where the service reads them. */
final class PeerAddresses implements ServerInterceptor {
  private static final Context.Key<Pair> ADDRESSES = Context.key("tapwire-peer-addresses");

  /**
   * The agent's and the collector's address of one call, as the outer addresses of its stream; 0
   * bytes when the transport has none (in-process) or the two are of different families.
   */
  record Pair(byte[] source, byte[] destination, int length) {
    static final Pair UNKNOWN = new Pair(new byte[16], new byte[16], 0);
  }

  /** The addresses of the current call. */
  static Pair current() {
    Pair pair = ADDRESSES.get();
    return pair == null ? Pair.UNKNOWN : pair;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Pair pair =
        of(
            call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
            call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR));
    return Contexts.interceptCall(
        Context.current().withValue(ADDRESSES, pair), call, headers, next);
  }

  static Pair of(SocketAddress remote, SocketAddress local) {
    if (!(remote instanceof InetSocketAddress r) || r.getAddress() == null) {
      return Pair.UNKNOWN;
    }
    byte[] source = r.getAddress().getAddress();
    byte[] destination = new byte[source.length];
    if (local instanceof InetSocketAddress l && l.getAddress() != null) {
      InetAddress localAddress = l.getAddress();
      byte[] bytes = localAddress.getAddress();
      if (bytes.length == source.length) {
        destination = bytes;
      }
    }
    return new Pair(source, destination, source.length);
  }
}

package dev.tapwire.collector.control;

import dev.tapwire.proto.v1.AdminServiceGrpc;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Refuses AdminService calls (PERMISSION_DENIED) whose client certificate does not satisfy {@link
 * AdminCertificates}; AgentService and health calls pass.
 */
final class AdminAccessInterceptor implements ServerInterceptor {
  private final AdminCertificates admin;

  AdminAccessInterceptor(AdminCertificates admin) {
    this.admin = admin;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!AdminServiceGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    String refusal =
        admin.refusal(peerChain(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)));
    if (refusal != null) {
      call.close(Status.PERMISSION_DENIED.withDescription(refusal), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }

  private static X509Certificate[] peerChain(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      Certificate[] certs = session.getPeerCertificates();
      X509Certificate[] chain = new X509Certificate[certs.length];
      for (int i = 0; i < certs.length; i++) {
        chain[i] = (X509Certificate) certs[i];
      }
      return chain;
    } catch (SSLPeerUnverifiedException | ClassCastException e) {
      return null;
    }
  }
}

package dev.tapwire.netio;

import java.io.IOException;

/**
 * A failed native call: names the call, what it was applied to, the {@code errno} and the C
 * library's text for it, e.g. {@code "bind(198.18.0.2): Cannot assign requested address
 * [EADDRNOTAVAIL, errno 99]"}.
 */
public final class ErrnoException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final int errno;

  /** A failure of {@code call} with {@code errno}. */
  public ErrnoException(String call, int errno) {
    this(call, null, errno);
  }

  /** A failure of {@code call} applied to {@code subject} (may be null) with {@code errno}. */
  public ErrnoException(String call, String subject, int errno) {
    super(format(call, subject, errno));
    this.call = call;
    this.errno = errno;
  }

  /** The name of the failed call, e.g. {@code "sendmmsg"}. */
  public String call() {
    return call;
  }

  /** The {@code errno} value. */
  public int errno() {
    return errno;
  }

  static String format(String call, String subject, int errno) {
    String what = subject == null ? call : call + "(" + subject + ")";
    return what + ": " + Errno.message(errno) + " [" + Errno.name(errno) + ", errno " + errno + "]";
  }
}

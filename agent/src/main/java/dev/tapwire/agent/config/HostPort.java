package dev.tapwire.agent.config;

import dev.tapwire.runtime.config.SettingsException;

/**
 * {@code HOST}, {@code HOST:PORT}, {@code [IPV6]:PORT} or a bare IPv6 address, as given to {@code
 * --collector} for the gRPC transport.
 */
record HostPort(String host, int port) {
  static HostPort parse(String text, int defaultPort) {
    String host = text;
    String port = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw invalid(text);
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw invalid(text);
        }
        port = rest.substring(1);
      }
    } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      port = text.substring(text.indexOf(':') + 1);
    }
    if (host.isEmpty()) {
      throw invalid(text);
    }
    if (port == null) {
      return new HostPort(host, defaultPort);
    }
    try {
      int value = Integer.parseInt(port);
      if (value < 1 || value > 65_535) {
        throw invalid(text);
      }
      return new HostPort(host, value);
    } catch (NumberFormatException e) {
      throw invalid(text);
    }
  }

  private static SettingsException invalid(String text) {
    return new SettingsException(
        "invalid setting collector = '" + text + "': expected HOST, HOST:PORT or [IPV6]:PORT");
  }
}

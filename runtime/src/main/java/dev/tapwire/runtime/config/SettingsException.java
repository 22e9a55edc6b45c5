package dev.tapwire.runtime.config;

/**
 * A setting with a bad value: the message names the setting, its value and where it came from. The
 * message is always one line: control characters (from a value or a parser) are escaped, so a
 * hostile value cannot forge log lines.
 */
public final class SettingsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SettingsException(String message) {
    super(oneLine(message));
  }

  public SettingsException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  /** {@code text} with every control character escaped ({@code \n}, {@code \u001b}, ...). */
  static String oneLine(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || (c >= 0x7F && c < 0xA0) || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}

package dev.tapwire.runtime.config;

/** A setting with a bad value: the message names the setting, its value and where it came from. */
public final class SettingsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SettingsException(String message) {
    super(message);
  }

  public SettingsException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.tapwire.runtime.config;

/**
 * One raw value and where it came from, for error messages.
 *
 * @param key the setting name as used in the YAML file and as the long flag
 * @param text the raw text of the value
 * @param origin human-readable origin, e.g. {@code flag --merge-window-ms}
 */
public record SettingValue(String key, String text, String origin) {

  /** An error that names the setting, the value and its origin. */
  public SettingsException invalid(String expectation) {
    return new SettingsException(
        "invalid setting " + key + " = '" + text + "' (from " + origin + "): " + expectation);
  }
}

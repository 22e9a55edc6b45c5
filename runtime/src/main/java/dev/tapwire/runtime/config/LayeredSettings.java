package dev.tapwire.runtime.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings from three layers, highest precedence first: command-line flags, {@code TAPWIRE_*}
 * environment variables, the YAML file. One key names a setting everywhere: YAML key {@code
 * merge-window-ms}, flag {@code --merge-window-ms}, environment variable {@code
 * <prefix>MERGE_WINDOW_MS}. Typed getters validate once and name the setting, value and origin on
 * error.
 */
public final class LayeredSettings {
  private final Map<String, List<String>> flags;
  private final Map<String, String> environment;
  private final String environmentPrefix;
  private final Map<String, List<String>> file;
  private final String fileName;

  /**
   * @param flags values given on the command line, by key (without the leading dashes)
   * @param environment the process environment
   * @param environmentPrefix e.g. {@code TAPWIRE_COLLECTOR_}
   * @param file flattened YAML settings (see {@link YamlSettingsFile})
   * @param fileName the file's name for messages
   */
  public LayeredSettings(
      Map<String, List<String>> flags,
      Map<String, String> environment,
      String environmentPrefix,
      Map<String, List<String>> file,
      String fileName) {
    this.flags = Map.copyOf(flags);
    this.environment = Map.copyOf(environment);
    this.environmentPrefix = environmentPrefix;
    this.file = Map.copyOf(file);
    this.fileName = fileName;
  }

  /** The environment variable that overrides {@code key}. */
  public String environmentName(String key) {
    return environmentPrefix + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  /** All values of a repeatable setting (flags repeat; env is comma-separated; YAML lists). */
  public List<SettingValue> values(String key) {
    List<String> fromFlags = flags.get(key);
    if (fromFlags != null && !fromFlags.isEmpty()) {
      return wrap(key, fromFlags, "flag --" + key);
    }
    String envName = environmentName(key);
    String fromEnv = environment.get(envName);
    if (fromEnv != null) {
      List<String> parts = new ArrayList<>();
      for (String part : fromEnv.split(",")) {
        if (!part.isBlank()) {
          parts.add(part.strip());
        }
      }
      return wrap(key, parts, "environment variable " + envName);
    }
    List<String> fromFile = file.get(key);
    if (fromFile != null) {
      return wrap(key, fromFile, fileName);
    }
    return List.of();
  }

  /** The single value of {@code key}, if set anywhere. */
  public Optional<SettingValue> value(String key) {
    List<SettingValue> all = values(key);
    if (all.isEmpty()) {
      return Optional.empty();
    }
    if (all.size() > 1) {
      throw all.get(1).invalid("this setting takes one value, got " + all.size());
    }
    return Optional.of(all.get(0));
  }

  public String string(String key, String defaultValue) {
    return value(key).map(SettingValue::text).orElse(defaultValue);
  }

  public boolean flag(String key, boolean defaultValue) {
    Optional<SettingValue> value = value(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    return switch (value.get().text().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw value.get().invalid("expected true or false");
    };
  }

  public long longInRange(String key, long defaultValue, long min, long max) {
    Optional<SettingValue> value = value(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value.get().text().strip());
    } catch (NumberFormatException e) {
      throw value.get().invalid("expected an integer from " + min + " to " + max);
    }
    if (parsed < min || parsed > max) {
      throw value.get().invalid("expected an integer from " + min + " to " + max);
    }
    return parsed;
  }

  public int intInRange(String key, int defaultValue, int min, int max) {
    return (int) longInRange(key, defaultValue, min, max);
  }

  /** One of {@code choices} (lower case), e.g. {@code deliver|drop}. */
  public String choice(String key, String defaultValue, Collection<String> choices) {
    Optional<SettingValue> value = value(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    String text = value.get().text().strip().toLowerCase(Locale.ROOT);
    if (!choices.contains(text)) {
      throw value.get().invalid("expected one of " + String.join(", ", choices));
    }
    return text;
  }

  /** Fails on file keys that no setting uses, so that a typo does not go unnoticed. */
  public void rejectUnknownFileKeys(Set<String> knownKeys) {
    Set<String> unknown = new TreeSet<>(file.keySet());
    unknown.removeAll(knownKeys);
    if (!unknown.isEmpty()) {
      throw new SettingsException(
          fileName
              + ": unknown setting"
              + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown)
              + " (known: "
              + String.join(", ", new TreeSet<>(knownKeys))
              + ")");
    }
  }

  private static List<SettingValue> wrap(String key, List<String> texts, String origin) {
    List<SettingValue> values = new ArrayList<>(texts.size());
    for (String text : texts) {
      values.add(new SettingValue(key, text, origin));
    }
    return values;
  }
}

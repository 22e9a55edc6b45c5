package dev.tapwire.agent.config;

import static dev.tapwire.agent.config.AgentSettingKeys.CONTROL;
import static dev.tapwire.agent.config.AgentSettingKeys.CONTROL_PORT;
import static dev.tapwire.agent.config.AgentSettingKeys.LABEL;
import static dev.tapwire.agent.config.AgentSettingKeys.TLS_CA;
import static dev.tapwire.agent.config.AgentSettingKeys.TLS_CERT;
import static dev.tapwire.agent.config.AgentSettingKeys.TLS_KEY;

import dev.tapwire.runtime.config.LayeredSettings;
import dev.tapwire.runtime.config.SettingValue;
import dev.tapwire.runtime.config.SettingsException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Builds the {@link ControlConfig} part of the agent's settings. */
final class ControlConfigLoader {
  /** Label keys as Kubernetes allows them (prefix/name), values up to 63 characters. */
  private static final String LABEL_KEY = "[A-Za-z0-9]([A-Za-z0-9_./-]{0,251}[A-Za-z0-9])?";

  /** The key of a label given without one. */
  static final String NODE_LABEL = "node";

  private ControlConfigLoader() {}

  static ControlConfig load(LayeredSettings settings) {
    int port = settings.intInRange(CONTROL_PORT, ControlConfig.DEFAULT_PORT, 0, 65_535);
    if (!settings.flag(CONTROL, true)) {
      port = 0;
    }
    Path cert = readableFile(settings.value(TLS_CERT));
    Path key = readableFile(settings.value(TLS_KEY));
    if ((cert == null) != (key == null)) {
      throw new SettingsException(
          "invalid setting "
              + (cert == null ? TLS_KEY : TLS_CERT)
              + ": a client certificate needs both --tls-cert and --tls-key");
    }
    Path ca = readableFile(settings.value(TLS_CA));
    SortedMap<String, String> labels = new TreeMap<>();
    for (SettingValue value : settings.values(LABEL)) {
      String text = value.text().strip();
      int equals = text.indexOf('=');
      if (equals == 0) {
        throw value.invalid("expected KEY=VALUE");
      }
      // A bare value names the node (the Kubernetes manifest passes the node name so).
      String name = equals < 0 ? NODE_LABEL : text.substring(0, equals);
      String labelValue = equals < 0 ? text : text.substring(equals + 1);
      if (!name.matches(LABEL_KEY)) {
        throw value.invalid("a label key is letters, digits, '_', '.', '-' and '/'");
      }
      if (labelValue.length() > 63) {
        throw value.invalid("a label value has at most 63 characters");
      }
      if (labels.put(name, labelValue) != null) {
        throw value.invalid("label " + name + " given twice");
      }
    }
    return new ControlConfig(port, cert, key, ca, Collections.unmodifiableSortedMap(labels));
  }

  /** The path as given; the file is read when the agent starts (a bad one stops it there). */
  private static Path readableFile(Optional<SettingValue> value) {
    return value.map(v -> Path.of(v.text().strip())).orElse(null);
  }
}

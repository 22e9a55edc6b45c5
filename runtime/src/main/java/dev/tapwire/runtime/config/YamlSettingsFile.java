package dev.tapwire.runtime.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a YAML configuration file into flat keys: nested mappings join with '.', sequences become
 * lists of scalars ({@code allow: [198.18.0.0/15]} gives key {@code allow} with one value).
 */
public final class YamlSettingsFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Far above any real configuration; a larger file (or /dev/zero) is refused, not read. */
  public static final int MAX_FILE_BYTES = 1 << 20;

  private YamlSettingsFile() {}

  /** Loads {@code path}; a missing or malformed file is a {@link SettingsException}. */
  public static Map<String, List<String>> load(Path path) {
    JsonNode root;
    try {
      root = YAML.readTree(text(path));
    } catch (NoSuchFileException e) {
      throw new SettingsException("config file " + path + " does not exist");
    } catch (JacksonException e) {
      throw new SettingsException(
          "config file "
              + path
              + " is not valid YAML: "
              + firstLine(e.getOriginalMessage())
              + where(e),
          e);
    } catch (IOException e) {
      throw new SettingsException("cannot read config file " + path + ": " + e.getMessage(), e);
    }
    Map<String, List<String>> flat = new LinkedHashMap<>();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return flat;
    }
    if (!root.isObject()) {
      throw new SettingsException("config file " + path + " must be a mapping of settings");
    }
    flatten("", root, flat, path);
    return flat;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }

  private static String where(JacksonException e) {
    var location = e.getLocation();
    return location == null || location.getLineNr() < 0
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  /** The file as UTF-8 text, reading at most one byte past {@link #MAX_FILE_BYTES}. */
  private static String text(Path path) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new SettingsException(
          "config file "
              + path
              + " is larger than "
              + MAX_FILE_BYTES
              + " bytes: not a settings file");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new SettingsException("config file " + path + " is not UTF-8 text");
    }
  }

  private static void flatten(
      String prefix, JsonNode node, Map<String, List<String>> flat, Path path) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        flatten(key, value, flat, path);
      } else if (value.isArray()) {
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
          if (!item.isValueNode()) {
            throw new SettingsException(
                "config file " + path + ": setting " + key + " must be a list of plain values");
          }
          items.add(item.asText());
        }
        flat.put(key, items);
      } else if (!value.isNull()) {
        flat.put(key, List.of(value.asText()));
      }
    }
  }
}

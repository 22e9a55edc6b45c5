package dev.tapwire.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a manifest into the Kubernetes (and Prometheus Operator) model of its kind and lists every
 * field the schema does not know: the fabric8 model keeps those in {@code additionalProperties}
 * instead of failing, so the check walks the whole object graph for them.
 */
final class StrictModel {
  private static final ObjectMapper MAPPER =
      DeployFiles.JSON.copy().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** The kinds the manifests may hold, by apiVersion/kind. */
  static final Map<String, Class<? extends KubernetesResource>> KINDS =
      Map.of(
          "v1/Namespace", Namespace.class,
          "v1/ServiceAccount", ServiceAccount.class,
          "v1/ConfigMap", ConfigMap.class,
          "v1/Service", Service.class,
          "apps/v1/DaemonSet", DaemonSet.class,
          "apps/v1/StatefulSet", StatefulSet.class,
          "monitoring.coreos.com/v1/PodMonitor", PodMonitor.class);

  private StrictModel() {}

  /** The typed object of {@code manifest}; an unknown apiVersion/kind is an exception. */
  static KubernetesResource read(JsonNode manifest) {
    String key = manifest.path("apiVersion").asText() + "/" + manifest.path("kind").asText();
    Class<? extends KubernetesResource> type = KINDS.get(key);
    if (type == null) {
      throw new IllegalArgumentException("unexpected apiVersion/kind " + key);
    }
    try {
      return MAPPER.treeToValue(manifest, type);
    } catch (Exception e) {
      throw new IllegalArgumentException(key + " does not fit the schema: " + e.getMessage(), e);
    }
  }

  /** Paths of the fields of {@code object} (recursively) that its schema does not know. */
  static List<String> unknownFields(Object object) {
    List<String> unknown = new ArrayList<>();
    walk(object, "", unknown, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    return unknown;
  }

  private static void walk(Object value, String path, List<String> unknown, Set<Object> seen) {
    if (value == null || !seen.add(value)) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(getter.toString(), e);
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> unknown.add(path + "." + k));
        }
        continue;
      }
      String name = getter.getName().substring(3);
      walk(
          child,
          path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1),
          unknown,
          seen);
    }
  }
}

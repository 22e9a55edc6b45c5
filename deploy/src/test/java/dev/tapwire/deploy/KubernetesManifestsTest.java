package dev.tapwire.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every manifest under k8s/ fits the Kubernetes API schema of its kind (the fabric8 model,
 * Prometheus Operator for the PodMonitors) with no field the schema does not know, and every
 * kustomization lists exactly the files of its directory.
 */
class KubernetesManifestsTest {
  /** Top-level keys a kustomization may use here (kustomize's Kustomization type). */
  private static final Set<String> KUSTOMIZATION_KEYS =
      Set.of("apiVersion", "kind", "namespace", "resources", "patches", "images", "components");

  @Test
  void everyManifestFitsTheSchemaOfItsKindWithNoUnknownField() {
    List<Path> manifests = manifests();
    assertThat(manifests).hasSizeGreaterThanOrEqualTo(11);
    Set<String> kinds = new TreeSet<>();
    for (Path file : manifests) {
      for (JsonNode manifest : DeployFiles.documents(file)) {
        KubernetesResource resource = StrictModel.read(manifest);
        kinds.add(manifest.path("kind").asText());
        assertThat(StrictModel.unknownFields(resource)).as("unknown fields in %s", file).isEmpty();
        assertThat(manifest.at("/metadata/name").asText()).as("name in %s", file).isNotEmpty();
      }
    }
    assertThat(kinds)
        .containsExactlyInAnyOrder(
            "Namespace",
            "ServiceAccount",
            "ConfigMap",
            "Service",
            "DaemonSet",
            "StatefulSet",
            "PodMonitor");
  }

  @Test
  void aMisspelledFieldOrAWrongTypeIsCaught() throws IOException {
    JsonNode daemonSet = DeployFiles.document(base("020-DaemonSet-tapwire-agent.yaml"));
    ObjectNode misspelled = daemonSet.deepCopy();
    ((ObjectNode) misspelled.at("/spec/template/spec")).put("hostNetwrok", true);
    ((ObjectNode) misspelled.at("/spec/template/spec/containers/0/securityContext"))
        .put("readOnlyRootFileSystem", true);
    assertThat(StrictModel.unknownFields(StrictModel.read(misspelled)))
        .containsExactlyInAnyOrder(
            ".spec.template.spec.hostNetwrok",
            ".spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem");
    assertThat(StrictModel.unknownFields(StrictModel.read(daemonSet))).isEmpty();

    ObjectNode wrongType = daemonSet.deepCopy();
    ((ObjectNode) wrongType.at("/spec/template/spec")).put("hostNetwork", "maybe");
    assertThatThrownBy(() -> StrictModel.read(wrongType))
        .hasMessageContaining("does not fit the schema");
    ObjectNode wrongKind = daemonSet.deepCopy();
    wrongKind.put("apiVersion", "extensions/v1beta1");
    assertThatThrownBy(() -> StrictModel.read(wrongKind)).hasMessageContaining("unexpected");
    assertThat(StrictModel.read(daemonSet)).isInstanceOf(DaemonSet.class);
  }

  @Test
  void everyKustomizationListsExactlyTheFilesOfItsDirectory() throws IOException {
    List<Path> kustomizations;
    try (Stream<Path> files = Files.walk(DeployFiles.k8s())) {
      kustomizations =
          files.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList();
    }
    assertThat(kustomizations)
        .contains(
            DeployFiles.k8s().resolve("kustomization.yaml"),
            base("kustomization.yaml"),
            DeployFiles.k8s().resolve("overlays/raw-gre-hostnetwork/kustomization.yaml"));
    for (Path kustomization : kustomizations) {
      Path dir = kustomization.getParent();
      JsonNode k = DeployFiles.document(kustomization);
      assertThat(k.path("apiVersion").asText()).isEqualTo("kustomize.config.k8s.io/v1beta1");
      assertThat(k.path("kind").asText()).isEqualTo("Kustomization");
      List<String> keys = new ArrayList<>();
      k.fieldNames().forEachRemaining(keys::add);
      assertThat(KUSTOMIZATION_KEYS).as("keys of %s", kustomization).containsAll(keys);

      Set<String> listed = new TreeSet<>();
      k.path("resources").forEach(r -> listed.add(r.asText()));
      k.path("patches").forEach(p -> listed.add(p.path("path").asText()));
      for (String entry : listed) {
        assertThat(dir.resolve(entry).normalize()).as("%s lists %s", kustomization, entry).exists();
      }
      Set<String> local = new TreeSet<>();
      try (Stream<Path> files = Files.list(dir)) {
        files
            .filter(p -> p.toString().endsWith(".yaml"))
            .map(p -> p.getFileName().toString())
            .filter(n -> !n.equals("kustomization.yaml"))
            .forEach(local::add);
      }
      Set<String> listedLocal = new TreeSet<>();
      listed.stream()
          .filter(e -> !e.contains("/") && e.endsWith(".yaml"))
          .forEach(listedLocal::add);
      assertThat(listedLocal).as("files listed in %s", kustomization).isEqualTo(local);
      if (k.has("namespace")) {
        assertThat(k.path("namespace").asText()).isEqualTo("tapwire");
      }
    }
    // The root applies the base; the overlay builds on the base, not on the root (kustomize
    // refuses a base that contains its overlay).
    assertThat(
            DeployFiles.document(DeployFiles.k8s().resolve("kustomization.yaml")).path("resources"))
        .extracting(JsonNode::asText)
        .containsExactly("base");
    assertThat(
            DeployFiles.document(
                    DeployFiles.k8s().resolve("overlays/raw-gre-hostnetwork/kustomization.yaml"))
                .path("resources"))
        .extracting(JsonNode::asText)
        .containsExactly("../../base");
  }

  @Test
  void everyResourceIsInNamespaceTapwireAndNamedAfterItsFile() {
    for (Path file : DeployFiles.yamlFiles(base("."))) {
      if (file.getFileName().toString().equals("kustomization.yaml")) {
        continue;
      }
      JsonNode m = DeployFiles.document(file);
      String kind = m.path("kind").asText();
      String name = m.at("/metadata/name").asText();
      assertThat(file.getFileName().toString()).matches("\\d{3}-" + kind + "-" + name + "\\.yaml");
      if (!kind.equals("Namespace")) {
        assertThat(m.at("/metadata/namespace").asText()).as(file.toString()).isEqualTo("tapwire");
      }
    }
  }

  static Path base(String name) {
    return DeployFiles.k8s().resolve("base").resolve(name).normalize();
  }

  /** Every manifest (resources and patches), not the kustomizations. */
  static List<Path> manifests() {
    return DeployFiles.yamlFiles(DeployFiles.k8s()).stream()
        .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
        .toList();
  }
}

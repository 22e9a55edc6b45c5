package dev.tapwire.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tapwire.agent.config.AgentSettingKeys;
import dev.tapwire.collector.config.CollectorSettingKeys;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The workloads are wired as the docs say: least privilege, probes and Prometheus on the metrics
 * port the settings give, the Services and PodMonitors reaching the Pods, the mutual-TLS Secrets
 * mounted where the tls-* settings point, and only setting keys the agent and collector know.
 */
class KubernetesWorkloadsTest {
  private static final String TLS_DIR = "/etc/tapwire/tls";

  private final DaemonSet agent = read("020-DaemonSet-tapwire-agent.yaml", DaemonSet.class);
  private final StatefulSet collector =
      read("030-StatefulSet-tapwire-collector.yaml", StatefulSet.class);
  private final JsonNode agentSettings = settings("010-ConfigMap-tapwire-agent.yaml", "agent.yaml");
  private final JsonNode collectorSettings =
      settings("011-ConfigMap-tapwire-collector.yaml", "collector.yaml");

  @Test
  void agentRunsOnEveryNodeOnTheHostNetworkWithNetRawOnly() {
    PodTemplateSpec pod = agent.getSpec().getTemplate();
    assertThat(pod.getSpec().getHostNetwork()).isTrue();
    assertThat(pod.getSpec().getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    // One toleration without a key tolerates every taint.
    assertThat(pod.getSpec().getTolerations())
        .anySatisfy(
            t -> {
              assertThat(t.getOperator()).isEqualTo("Exists");
              assertThat(t.getKey()).isNull();
              assertThat(t.getEffect()).isNull();
            });
    Container c = only(pod.getSpec().getContainers());
    SecurityContext s = c.getSecurityContext();
    assertThat(s.getPrivileged()).isFalse();
    assertThat(s.getAllowPrivilegeEscalation()).isFalse();
    assertThat(s.getReadOnlyRootFilesystem()).isTrue();
    assertThat(s.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(s.getCapabilities().getAdd()).containsExactly("NET_RAW");
    assertThat(s.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertTmpIsAnEmptyDir(pod, c);
    assertResourcesSet(c);
    // The node name, from the downward API, labels the agent.
    EnvVar node = env(c, "NODE_NAME");
    assertThat(node.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
    EnvVar label = env(c, AgentSettingKeys.ENVIRONMENT_PREFIX + "LABEL");
    assertThat(label.getValue()).isEqualTo("$(NODE_NAME)");
  }

  @Test
  void collectorRunsAsNonRootWithNoCapabilityAndKeepsCapturesOnItsVolume() {
    PodTemplateSpec pod = collector.getSpec().getTemplate();
    assertThat(pod.getSpec().getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isPositive();
    Container c = only(pod.getSpec().getContainers());
    SecurityContext s = c.getSecurityContext();
    assertThat(s.getPrivileged()).isFalse();
    assertThat(s.getAllowPrivilegeEscalation()).isFalse();
    assertThat(s.getReadOnlyRootFilesystem()).isTrue();
    assertThat(s.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(s.getCapabilities().getAdd()).isNullOrEmpty();
    assertTmpIsAnEmptyDir(pod, c);
    assertResourcesSet(c);
    // Raw GRE needs NET_RAW and cannot pass a Service: off by default.
    assertThat(collectorSettings.path(CollectorSettingKeys.GRE).asBoolean(true)).isFalse();

    String claim = only(collector.getSpec().getVolumeClaimTemplates()).getMetadata().getName();
    VolumeMount captures = mount(c, claim);
    String outputDir = collectorSettings.path(CollectorSettingKeys.OUTPUT_DIR).asText();
    assertThat(Path.of(outputDir).startsWith(Path.of(captures.getMountPath())))
        .as("output-dir %s on the volume at %s", outputDir, captures.getMountPath())
        .isTrue();
    assertThat(collector.getSpec().getServiceName()).isEqualTo("tapwire-collector-headless");
    Service headless = read("032-Service-tapwire-collector-headless.yaml", Service.class);
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
  }

  @Test
  void probesAndPrometheusAnnotationsUseTheMetricsPortOfTheSettings() {
    check(agent.getSpec().getTemplate(), agentSettings.path(AgentSettingKeys.METRICS_PORT).asInt());
    check(
        collector.getSpec().getTemplate(),
        collectorSettings.path(CollectorSettingKeys.METRICS_PORT).asInt());
  }

  private static void check(PodTemplateSpec pod, int metricsPort) {
    assertThat(metricsPort).isPositive();
    Container c = only(pod.getSpec().getContainers());
    ContainerPort metrics = port(c, "metrics");
    assertThat(metrics.getContainerPort()).isEqualTo(metricsPort);
    assertThat(metrics.getProtocol()).isEqualTo("TCP");
    assertProbe(c.getLivenessProbe(), "/healthz", c, metricsPort);
    assertProbe(c.getReadinessProbe(), "/readyz", c, metricsPort);
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    assertThat(annotations)
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", Integer.toString(metricsPort))
        .containsEntry("prometheus.io/path", "/metrics");
  }

  @Test
  void collectorServiceCarriesGrpcAndTheUdpTunnelsOnTheConfiguredPorts() {
    Service service = read("031-Service-tapwire-collector.yaml", Service.class);
    Map<String, String> podLabels = collector.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
    Container c = only(collector.getSpec().getTemplate().getSpec().getContainers());
    assertServicePort(
        service, c, "grpc", "TCP", collectorSettings.path(CollectorSettingKeys.GRPC_PORT).asInt());
    assertServicePort(
        service,
        c,
        "vxlan",
        "UDP",
        collectorSettings.path(CollectorSettingKeys.VXLAN_PORT).asInt());
    assertServicePort(
        service,
        c,
        "gre-in-udp",
        "UDP",
        collectorSettings.path(CollectorSettingKeys.GRE_IN_UDP_PORT).asInt());
    assertThat(service.getSpec().getPorts())
        .extracting(ServicePort::getPort)
        .contains(7460, 4789, 4754);
    // The agents send VXLAN to this Service on the collector's VXLAN port.
    assertThat(agentSettings.path(AgentSettingKeys.ENCAP).asText()).isEqualTo("vxlan");
    assertThat(agentSettings.path(AgentSettingKeys.COLLECTOR).asText())
        .isEqualTo(service.getMetadata().getName() + ".tapwire.svc.cluster.local");
    assertThat(agentSettings.path(AgentSettingKeys.VXLAN_PORT).asInt())
        .isEqualTo(collectorSettings.path(CollectorSettingKeys.VXLAN_PORT).asInt());
  }

  @Test
  void podMonitorsSelectThePodsAndScrapeTheirMetricsPort() {
    for (var pair :
        List.of(
            Map.entry("040-PodMonitor-tapwire-agent.yaml", agent.getSpec().getTemplate()),
            Map.entry(
                "041-PodMonitor-tapwire-collector.yaml", collector.getSpec().getTemplate()))) {
      PodMonitor monitor = read(pair.getKey(), PodMonitor.class);
      PodTemplateSpec pod = pair.getValue();
      assertThat(pod.getMetadata().getLabels())
          .containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
      // job = the Pods' app.kubernetes.io/name: tapwire-agent / tapwire-collector, as in the
      // alerts.
      String job = pod.getMetadata().getLabels().get(monitor.getSpec().getJobLabel());
      assertThat(job).isEqualTo(monitor.getMetadata().getName()).startsWith("tapwire-");
      var endpoint = only(monitor.getSpec().getPodMetricsEndpoints());
      assertThat(endpoint.getPath()).isEqualTo("/metrics");
      port(only(pod.getSpec().getContainers()), endpoint.getPort());
    }
  }

  @Test
  void mutualTlsSecretsAreMountedWhereTheTlsSettingsPoint() {
    for (var pair :
        List.of(
            Map.entry(agent.getSpec().getTemplate(), agentSettings),
            Map.entry(collector.getSpec().getTemplate(), collectorSettings))) {
      PodTemplateSpec pod = pair.getKey();
      JsonNode settings = pair.getValue();
      Container c = only(pod.getSpec().getContainers());
      VolumeMount tls =
          c.getVolumeMounts().stream()
              .filter(m -> m.getMountPath().equals(TLS_DIR))
              .findFirst()
              .orElseThrow();
      assertThat(tls.getReadOnly()).isTrue();
      Volume volume = volume(pod, tls.getName());
      assertThat(volume.getSecret().getSecretName()).endsWith("-tls");
      // The Secret is documented, not committed.
      assertThat(KubernetesManifestsTest.manifests())
          .noneMatch(p -> DeployFiles.read(p).contains("kind: Secret"));
      assertThat(settings.path("tls-cert").asText()).isEqualTo(TLS_DIR + "/tls.crt");
      assertThat(settings.path("tls-key").asText()).isEqualTo(TLS_DIR + "/tls.key");
      assertThat(settings.path("tls-ca").asText()).isEqualTo(TLS_DIR + "/ca.crt");
    }
  }

  @Test
  void configMapsAndEnvironmentUseOnlyKnownSettingKeys() {
    for (Path file : KubernetesManifestsTest.manifests()) {
      for (JsonNode m : DeployFiles.documents(file)) {
        String kind = m.path("kind").asText();
        String name = m.at("/metadata/name").asText();
        if (kind.equals("ConfigMap")) {
          Set<String> known =
              name.contains("agent") ? AgentSettingKeys.ALL : CollectorSettingKeys.ALL;
          m.path("data")
              .properties()
              .forEach(
                  e ->
                      DeployFiles.yaml(e.getValue().asText())
                          .fieldNames()
                          .forEachRemaining(
                              key -> assertThat(known).as("%s: %s", file, key).contains(key)));
        }
        m.findValues("env")
            .forEach(
                env ->
                    env.forEach(
                        v -> {
                          String var = v.path("name").asText();
                          for (var prefix :
                              Map.of(
                                      AgentSettingKeys.ENVIRONMENT_PREFIX,
                                      AgentSettingKeys.ALL,
                                      CollectorSettingKeys.ENVIRONMENT_PREFIX,
                                      CollectorSettingKeys.ALL)
                                  .entrySet()) {
                            if (var.startsWith(prefix.getKey())) {
                              String key =
                                  var.substring(prefix.getKey().length())
                                      .toLowerCase(java.util.Locale.ROOT)
                                      .replace('_', '-');
                              assertThat(prefix.getValue()).as("%s: %s", file, var).contains(key);
                            }
                          }
                        }));
      }
    }
  }

  @Test
  void rawGreOverlayPutsTheCollectorOnTheHostNetworkWithNetRawAndTheAgentsOnErspan() {
    Path overlay = DeployFiles.k8s().resolve("overlays/raw-gre-hostnetwork");
    StatefulSet patch =
        (StatefulSet)
            StrictModel.read(
                DeployFiles.document(overlay.resolve("patch-StatefulSet-tapwire-collector.yaml")));
    assertThat(patch.getSpec().getTemplate().getSpec().getHostNetwork()).isTrue();
    SecurityContext s =
        only(patch.getSpec().getTemplate().getSpec().getContainers()).getSecurityContext();
    assertThat(s.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(s.getCapabilities().getAdd()).containsExactly("NET_RAW");
    JsonNode collectorPatch =
        DeployFiles.yaml(
            ((ConfigMap)
                    StrictModel.read(
                        DeployFiles.document(
                            overlay.resolve("patch-ConfigMap-tapwire-collector.yaml"))))
                .getData()
                .get("collector.yaml"));
    assertThat(collectorPatch.path(CollectorSettingKeys.GRE).asBoolean()).isTrue();
    JsonNode agentPatch =
        DeployFiles.yaml(
            ((ConfigMap)
                    StrictModel.read(
                        DeployFiles.document(
                            overlay.resolve("patch-ConfigMap-tapwire-agent.yaml"))))
                .getData()
                .get("agent.yaml"));
    assertThat(agentPatch.path(AgentSettingKeys.ENCAP).asText()).isEqualTo("erspan3");
    // The collector Pod's own name: with hostNetwork it resolves to its node's address.
    assertThat(agentPatch.path(AgentSettingKeys.COLLECTOR).asText())
        .startsWith("tapwire-collector-0.tapwire-collector-headless.");
  }

  private static void assertProbe(Probe probe, String path, Container c, int metricsPort) {
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    var port = probe.getHttpGet().getPort();
    int number =
        port.getStrVal() != null ? port(c, port.getStrVal()).getContainerPort() : port.getIntVal();
    assertThat(number).as("%s probe port", path).isEqualTo(metricsPort);
  }

  private static void assertServicePort(
      Service service, Container c, String name, String protocol, int settingsPort) {
    ServicePort sp =
        service.getSpec().getPorts().stream()
            .filter(p -> p.getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Service port " + name));
    assertThat(sp.getProtocol()).isEqualTo(protocol);
    assertThat(sp.getPort()).isEqualTo(settingsPort);
    ContainerPort target = port(c, sp.getTargetPort().getStrVal());
    assertThat(target.getContainerPort()).isEqualTo(settingsPort);
    assertThat(target.getProtocol()).isEqualTo(protocol);
  }

  private static void assertTmpIsAnEmptyDir(PodTemplateSpec pod, Container c) {
    assertThat(volume(pod, mountAt(c, "/tmp").getName()).getEmptyDir()).isNotNull();
  }

  private static void assertResourcesSet(Container c) {
    for (String resource : List.of("cpu", "memory")) {
      assertThat(c.getResources().getRequests()).containsKey(resource);
      assertThat(c.getResources().getLimits()).containsKey(resource);
    }
  }

  private static EnvVar env(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name));
  }

  private static ContainerPort port(Container c, String name) {
    return c.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port " + name));
  }

  private static VolumeMount mount(Container c, String volume) {
    return c.getVolumeMounts().stream()
        .filter(m -> m.getName().equals(volume))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no mount of " + volume));
  }

  private static VolumeMount mountAt(Container c, String path) {
    return c.getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
  }

  private static Volume volume(PodTemplateSpec pod, String name) {
    return pod.getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  private static <T> T only(List<T> items) {
    assertThat(items).hasSize(1);
    return items.get(0);
  }

  private static <T> T read(String file, Class<T> type) {
    return type.cast(StrictModel.read(DeployFiles.document(KubernetesManifestsTest.base(file))));
  }

  private static JsonNode settings(String file, String key) {
    ConfigMap map = read(file, ConfigMap.class);
    return DeployFiles.yaml(map.getData().get(key));
  }
}

package dev.tapwire.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The container file cannot be built here (no container engine): this checks that what it copies is
 * what the build produces (cli's jar name and dependency directory), that it runs the jar with the
 * launcher's JVM flags, and that the manifests use the image it documents.
 */
class ContainerFileTest {
  private final String dockerfile =
      DeployFiles.read(DeployFiles.deploy().resolve("container/Dockerfile"));
  private final String cliPom = DeployFiles.read(DeployFiles.root().resolve("cli/pom.xml"));

  @Test
  void copiesTheJarAndLibrariesTheCliBuildProduces() {
    assertThat(dockerfile).contains("RUN mvn -B -q -DskipTests package -pl cli -am");
    String finalName = group(cliPom, "<finalName>(.+?)</finalName>");
    String libDir =
        group(cliPom, "<outputDirectory>\\$\\{project.build.directory}/(.+?)</outputDirectory>");
    assertThat(group(cliPom, "<classpathPrefix>(.+?)</classpathPrefix>")).isEqualTo(libDir + "/");
    assertThat(dockerfile)
        .contains(
            "COPY --from=build /src/cli/target/"
                + finalName
                + ".jar /opt/tapwire/"
                + finalName
                + ".jar")
        .contains("COPY --from=build /src/cli/target/" + libDir + "/ /opt/tapwire/" + libDir + "/");
    assertThat(DeployFiles.root().resolve("cli/src/main/java/dev/tapwire/cli/TapwireCli.java"))
        .isRegularFile();
    // The build context is the repository root, without build output.
    assertThat(DeployFiles.read(DeployFiles.root().resolve(".dockerignore")))
        .contains("**/target/");
  }

  @Test
  void runsTheJarWithTheLauncherFlagsAsANonRootUserWithLibpcap() {
    String launcher = DeployFiles.read(DeployFiles.root().resolve("tapwire"));
    String entrypoint = group(dockerfile, "(?m)^ENTRYPOINT \\[(.*)]$");
    List<String> words =
        Pattern.compile("\"([^\"]*)\"").matcher(entrypoint).results().map(r -> r.group(1)).toList();
    assertThat(words.get(0)).isEqualTo("java");
    assertThat(words.subList(words.size() - 2, words.size()))
        .containsExactly("-jar", "/opt/tapwire/tapwire-cli.jar");
    for (String flag : words.subList(1, words.size() - 2)) {
      assertThat(launcher).as("launcher has %s", flag).contains(" " + flag + " ");
    }
    assertThat(words).contains("--enable-native-access=ALL-UNNAMED");
    assertThat(dockerfile).contains("libpcap0.8").containsPattern("(?m)^USER 10001:10001$");
    assertThat(dockerfile).containsPattern("(?m)^FROM eclipse-temurin:25-jre AS jre$");
  }

  @Test
  void manifestsUseTheDocumentedImage() {
    for (Path file : KubernetesManifestsTest.manifests()) {
      Matcher m = Pattern.compile("image: (\\S+)").matcher(DeployFiles.read(file));
      while (m.find()) {
        assertThat(m.group(1)).as(file.toString()).isEqualTo("tapwire:0.1.0");
      }
    }
    assertThat(dockerfile).contains("-t tapwire:0.1.0");
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex).isTrue();
    return m.group(1);
  }
}

package dev.tapwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.cli.demo.Demo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code tapwire demo} says before it touches anything: usage, root, tools. */
class DemoCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Demo.Privileges privileges, String... args) {
    CommandLine cli = new CommandLine(new DemoCommand(privileges));
    cli.setExecutionExceptionHandler(new OneLineErrorHandler());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private static Demo.Privileges privileges(boolean root, Set<String> missing) {
    return new Demo.Privileges() {
      @Override
      public boolean isRoot() {
        return root;
      }

      @Override
      public boolean onPath(String tool) {
        return !missing.contains(tool);
      }
    };
  }

  @Test
  void withoutRootItSaysSoAndDoesNothing() {
    int code = run(privileges(false, Set.of()), "--duration", "1");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("needs root").contains("sudo ./tapwire demo");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void missingToolsAreNamedWithTheirPackages() {
    int code = run(privileges(true, Set.of("mausezahn", "socat")));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("mausezahn (Debian package netsniff-ng)")
        .contains("socat (Debian package socat)");
  }

  @Test
  void aBadDurationIsAUsageError() {
    int code = run(privileges(true, Set.of()), "--duration", "0");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--duration must be 1..3600 seconds: 0");
  }

  @Test
  void aBadPrefixIsAUsageError() {
    int code = run(privileges(true, Set.of()), "--prefix", "Demo/1");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--prefix must be lower-case letters");
  }

  @Test
  void itIsASubcommandOfTapwire() {
    CommandLine cli = TapwireCli.newCommandLine();
    assertThat(cli.getSubcommands()).containsKey("demo");
  }
}

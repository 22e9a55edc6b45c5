package dev.tapwire.agent.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the libpcap shared object once, for pcap4j (JNA) and the {@code java.lang.foreign} calls
 * alike, so that both use the same library. Debian's runtime package ships only {@code
 * libpcap.so.0.8} (the unversioned name comes with the -dev package), so the versioned names are
 * tried too. pcap4j reads the result from its {@code org.pcap4j.core.pcapLibName} property.
 */
final class LibpcapLibrary {
  private static final String PCAP4J_PROPERTY = "org.pcap4j.core.pcapLibName";
  private static final List<String> DIRECTORIES =
      List.of(
          "/usr/lib/x86_64-linux-gnu",
          "/lib/x86_64-linux-gnu",
          "/usr/lib64",
          "/usr/lib",
          "/usr/local/lib",
          "/lib");
  private static final List<String> NAMES =
      List.of("libpcap.so.1", "libpcap.so.0.8", "libpcap.so", "libpcap.so.1.10");

  private static final String PATH = locate();

  private LibpcapLibrary() {}

  /** The library's path (or a bare name for the dynamic loader to search). */
  static String path() {
    return PATH;
  }

  /** Points pcap4j at the same library; call before pcap4j's first use. */
  static void configurePcap4j() {
    if (System.getProperty(PCAP4J_PROPERTY) == null) {
      System.setProperty(PCAP4J_PROPERTY, PATH);
    }
  }

  private static String locate() {
    String configured = System.getProperty(PCAP4J_PROPERTY);
    if (configured != null) {
      return configured;
    }
    for (String name : NAMES) {
      for (String directory : DIRECTORIES) {
        Path candidate = Path.of(directory, name);
        if (Files.exists(candidate)) {
          return candidate.toString();
        }
      }
    }
    return "libpcap.so.0.8";
  }
}

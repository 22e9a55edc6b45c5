package dev.tapwire.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version recorded in the jar manifest. */
final class TapwireVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = TapwireCli.class.getPackage().getImplementationVersion();
    return new String[] {"tapwire " + (version == null ? "(development build)" : version)};
  }
}

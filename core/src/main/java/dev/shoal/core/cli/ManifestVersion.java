package dev.shoal.core.cli;

import picocli.CommandLine.IVersionProvider;

/** The version in the jar's manifest ({@code Implementation-Version}); "dev" outside a jar. */
public final class ManifestVersion implements IVersionProvider {
  public static String version() {
    String version = ManifestVersion.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"shoal " + version()};
  }
}

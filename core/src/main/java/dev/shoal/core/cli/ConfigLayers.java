package dev.shoal.core.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.HostPort;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How {@link ServerOptions} builds a role's config record {@code C}: the role's defaults, its file
 * loader, and where the two settings every role has, the data directory and the listen address, go.
 *
 * @param role the role's name, which names its default data directory (see {@code
 *     Environment#defaultDataDir})
 * @param defaults every default, with data in the given directory
 * @param loader reads the role's config file ({@code --config})
 * @param withDataDir the config with another data directory ({@code --data})
 * @param withListen the config with another address for the role's HTTP port ({@code --listen})
 * @param <C> the role's config record
 */
public record ConfigLayers<C>(
    String role,
    Function<Path, C> defaults,
    Loader<C> loader,
    BiFunction<C, Path, C> withDataDir,
    BiFunction<C, HostPort, C> withListen) {
  public ConfigLayers {
    requireNonNull(role, "role");
    requireNonNull(defaults, "defaults");
    requireNonNull(loader, "loader");
    requireNonNull(withDataDir, "withDataDir");
    requireNonNull(withListen, "withListen");
  }

  /** Reads a role's config file. */
  @FunctionalInterface
  public interface Loader<C> {
    /**
     * Loads {@code file}; {@code defaultDataDir} applies when the file sets no {@code dataDir}.
     *
     * @throws ConfigException naming the file and the first bad key
     */
    C load(Path file, Path defaultDataDir) throws ConfigException;
  }
}

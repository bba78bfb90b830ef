package dev.shoal.core.registry;

/**
 * Process-wide settings of the JDK HTTP client under {@link RegistryClient}, applied by a server's
 * {@code main} before the first client is built (the JDK reads them once).
 *
 * <p>{@code jdk.httpclient.bufsize}: the JDK reads a response in buffers of 16 KiB by default and
 * hands each to the reading thread separately; with 1 MiB a blob download on two cores went from
 * about 250 to 550 MB/s here (a 256 MiB blob from docker-registry on loopback). It costs up to that
 * much memory per connection being read.
 */
public final class RegistryClientTuning {
  static final String BUFSIZE = "jdk.httpclient.bufsize";
  static final String BUFSIZE_VALUE = Integer.toString(1 << 20);

  private RegistryClientTuning() {}

  /** Sets what is not set already (an operator's {@code -D} wins). */
  public static void apply() {
    if (System.getProperty(BUFSIZE) == null) {
      System.setProperty(BUFSIZE, BUFSIZE_VALUE);
    }
  }
}

package dev.shoal.agent.cli;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.build.Image;
import dev.shoal.agent.build.ImagePusher;
import dev.shoal.agent.build.OciLayout;
import dev.shoal.agent.build.PushReport;
import dev.shoal.agent.build.RegistryAccess;
import dev.shoal.agent.build.Target;
import dev.shoal.core.cli.CliErrors.FailureException;
import dev.shoal.core.cli.ManifestVersion;
import dev.shoal.core.config.ConfigException;
import dev.shoal.core.config.Environment;
import dev.shoal.core.reference.ImageReference;
import dev.shoal.core.registry.NotFoundException;
import dev.shoal.core.registry.UnauthorizedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code shoal push oci:DIR:TAG HOST/REPO:TAG}: pushes an image of an OCI layout to a registry,
 * uploading only the layers the registry lacks, and prints the manifest digest last.
 */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersion.class,
    description = {
      "Push an image of an OCI layout directory (as written by shoal build -t oci:DIR:TAG) to a"
          + " registry. Uploads only the layers the repository lacks; prints the manifest digest"
          + " last."
    })
public final class PushCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RegistryOptions registry;

  @Parameters(index = "0", paramLabel = "oci:DIR:TAG", description = "The image to push.")
  String source;

  @Parameters(index = "1", paramLabel = "HOST/REPO:TAG", description = "Where to push it.")
  String destination;

  static final String PULL_BASE = "pull the base";

  private final Environment env;

  PushCommand(Environment env) {
    this.env = requireNonNull(env, "env");
  }

  @Override
  public Integer call() throws ConfigException, FailureException, IOException {
    Target from = parse(source);
    Target to = parse(destination);
    if (!from.isLayout()) {
      throw new ConfigException(
          "\""
              + source
              + "\": not an OCI layout (expected: oci:DIR:TAG; to copy between"
              + " registries use skopeo copy)");
    }
    if (to.isLayout()) {
      throw new ConfigException(
          "\""
              + destination
              + "\": expected a registry HOST/REPO:TAG (to copy between layouts"
              + " use cp -r)");
    }
    Image image = new OciLayout(from.layout()).read(from.tag());
    RegistryAccess access = registry.access(env, to.reference().registry());
    PushReport report = registry.push(access, image, to.reference());
    PrintWriter out = spec.commandLine().getOut();
    out.println(report.summary());
    out.println(report.digest());
    out.flush();
    return 0;
  }

  static Target parse(String s) throws ConfigException {
    try {
      return Target.parse(s);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /** The options of commands that push: credentials and plain HTTP. */
  static final class RegistryOptions {
    @Option(
        names = "--creds",
        paramLabel = "USER:PASS",
        description =
            "Credentials for the target registry (else the origin's account from"
                + " $SHOAL_ORIGIN_USER and $SHOAL_ORIGIN_PASSWORD when the target is"
                + " $SHOAL_ORIGIN, else ~/.docker/config.json).")
    String creds;

    @Option(
        names = "--insecure",
        description = "Plain HTTP to registries that are not on loopback (loopback always is).")
    boolean insecure;

    RegistryAccess access(Environment env, String target) throws ConfigException, IOException {
      try {
        return RegistryAccess.of(env.variables(), env.home(), creds, target, insecure);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
    }

    PushReport push(RegistryAccess access, Image image, ImageReference to)
        throws FailureException, IOException {
      ImagePusher pusher = new ImagePusher(access.client(to.registry()), to.registry());
      try {
        return pusher.push(image, to.repository(), to.tag());
      } catch (IOException e) {
        throw explain(e, to, "push to");
      }
    }
  }

  /**
   * A registry failure as one line with its fix; other I/O errors as they are.
   *
   * @param what {@code push to} or {@code pull the base}
   */
  static IOException explain(IOException e, ImageReference ref, String what)
      throws FailureException {
    String where = ref.registry() + "/" + ref.repository();
    if (e instanceof UnauthorizedException u) {
      throw new FailureException(
          ref.registry()
              + " refused to let us "
              + what
              + " "
              + ref.repository()
              + (u.status() == 403
                  ? " (403 denied): the account may not do this here (an account pushes to its"
                      + " own ACCOUNT/… repositories)"
                  : " (401 unauthorized): " + RegistryAccess.loginHint(ref.registry())));
    }
    if (e instanceof NotFoundException) {
      throw new FailureException(
          (what.equals(PULL_BASE) ? "base image " : "")
              + where
              + ":"
              + ref.pullTarget()
              + " not found (check the name and tag"
              + (what.equals(PULL_BASE) ? " in --from, or start from scratch)" : ")"));
    }
    if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      throw new FailureException(
          "no registry answers at " + ref.registry() + " (start it, or check the host and port)");
    }
    if (e instanceof HttpTimeoutException) {
      throw new FailureException(
          ref.registry() + " did not answer in time (" + e.getMessage() + ")");
    }
    return e;
  }
}

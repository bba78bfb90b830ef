package dev.shoal.agent.runtime;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.runtime.ContainerException.Kind;
import dev.shoal.agent.unpack.LayerRejectedException;
import dev.shoal.agent.unpack.RootFs;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.HostPlatform;
import dev.shoal.core.oci.ImageConfig.RunConfig;
import dev.shoal.core.store.BlobRange;
import dev.shoal.core.store.ContentStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prepares a container's OCI bundle (runtime spec "Filesystem Bundle") in {@code
 * <data>/containers/<id>/}: each layer unpacked once into {@code <data>/layers/<diffid>} from the
 * store's verified blob (its diff id checked against the image config), the root file system
 * assembled over them in {@code rootfs/} (overlay, else a copy; its upper and work dirs in {@code
 * scratch/}), a generated {@code hosts} file and {@code config.json}.
 */
final class Bundles {
  /** The bundle's root file system and the process's arguments. */
  record Prepared(RootFs rootfs, List<String> args) {}

  private final RuntimeConfig config;
  private final ContentStore store;
  private final LayerGc layers;

  Bundles(RuntimeConfig config, ContentStore store, LayerGc layers) {
    this.config = requireNonNull(config, "config");
    this.store = requireNonNull(store, "store");
    this.layers = requireNonNull(layers, "layers");
  }

  /**
   * Writes the bundle of container {@code id}. Nothing stays mounted when it fails.
   *
   * @throws ContainerException INVALID for a layer that does not unpack or match its diff id, a
   *     missing bind-mount source, a bad -e or an unknown user
   */
  Prepared prepare(String id, String hostname, PulledImage image, RunSpec spec) throws IOException {
    Path bundle = Files.createDirectories(config.bundle(id));
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i < image.layers().size(); i++) {
      dirs.add(unpack(image, image.layers().get(i), image.config().diffIds().get(i)));
    }
    for (BindMount m : spec.mounts()) {
      if (!Files.exists(Path.of(m.hostPath()))) {
        throw new ContainerException(
            Kind.INVALID,
            "-v "
                + m
                + ": "
                + m.hostPath()
                + " does not exist on the agent's host: create it first");
      }
    }
    RootFs rootfs = RootFs.assemble(dirs, bundle.resolve("rootfs"), bundle.resolve("scratch"));
    try {
      RunConfig rc = image.config().runConfig();
      ExecUser user = ExecUser.resolve(rootfs.path(), rc.user());
      List<String> args = OciSpec.args(rc, spec.args(), spec.image());
      Path hosts = bundle.resolve("hosts");
      Files.writeString(
          hosts,
          "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t"
              + hostname
              + "\n",
          StandardCharsets.UTF_8);
      OciSpec.Inputs in =
          new OciSpec.Inputs(
              args,
              OciSpec.env(rc.env(), spec.env(), user.home(), hostname),
              rc.workingDir().isEmpty() ? "/" : rc.workingDir(),
              user,
              hostname,
              spec.mounts(),
              hosts.toString(),
              spec.hostNetwork(),
              spec.seccomp(),
              HostPlatform.current().architecture());
      Files.write(bundle.resolve("config.json"), OciSpec.json(in));
      return new Prepared(rootfs, args);
    } catch (IOException | RuntimeException e) {
      try {
        rootfs.close();
      } catch (IOException c) {
        e.addSuppressed(c);
      }
      throw e;
    }
  }

  private Path unpack(PulledImage image, Descriptor layer, Digest diffId) throws IOException {
    Path blob;
    try (BlobRange r = store.openRange(layer.digest(), 0, -1)) {
      blob = r.path();
    }
    // One unpack per layer at a time: a second run of the same image waits and reuses it.
    try {
      return layers.unpack(diffId, layer, blob);
    } catch (LayerRejectedException e) {
      throw new ContainerException(
          Kind.INVALID,
          "image " + image.image() + ": layer " + layer.digest() + " rejected: " + e.getMessage(),
          e);
    }
  }
}

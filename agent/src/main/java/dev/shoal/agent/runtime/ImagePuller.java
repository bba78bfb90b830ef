package dev.shoal.agent.runtime;

import static java.util.Objects.requireNonNull;

import dev.shoal.agent.fetch.BlobFetch;
import dev.shoal.agent.fetch.BlobFetches;
import dev.shoal.agent.runtime.ContainerException.Kind;
import dev.shoal.core.digest.Digest;
import dev.shoal.core.digest.DigestAlgorithm;
import dev.shoal.core.digest.Hashing;
import dev.shoal.core.oci.Descriptor;
import dev.shoal.core.oci.HostPlatform;
import dev.shoal.core.oci.ImageConfig;
import dev.shoal.core.oci.ImageIndex;
import dev.shoal.core.oci.ImageManifest;
import dev.shoal.core.oci.Manifests;
import dev.shoal.core.oci.MediaTypes;
import dev.shoal.core.oci.ParsedManifest;
import dev.shoal.core.oci.Platform;
import dev.shoal.core.reference.ImageReference;
import dev.shoal.core.store.ContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Pulls an image through this agent's own mirror, over loopback HTTP, exactly as containerd would:
 * so peers, verification, access checks, provenance and metrics all apply. The mirror keeps every
 * blob it serves in the store; the puller reads each one to the end (checking its digest too),
 * waits until the store holds it complete, and references it for the container at once, so that
 * eviction cannot take it between the pull and the run.
 */
final class ImagePuller {
  private static final Duration PUBLISH = Duration.ofSeconds(30);
  private static final int MAX_CONFIG_BYTES = 8 << 20;

  private final ContentStore store;
  private final BlobFetches fetches;
  private final Platform host;
  private final MirrorHttp http;

  ImagePuller(URI mirror, ContentStore store, BlobFetches fetches, Platform host) {
    this.store = requireNonNull(store, "store");
    this.fetches = requireNonNull(fetches, "fetches");
    this.host = requireNonNull(host, "host");
    this.http = new MirrorHttp(mirror);
  }

  /**
   * Pulls {@code image} and references each of its blobs as {@code holder} in the store, adding
   * each one to {@code held} as soon as it is referenced (so that a caller can release them when
   * the pull fails half way).
   *
   * @throws ContainerException INVALID for a bad reference or an image for another platform,
   *     NOT_FOUND for an image the upstream does not have, FAILED for other upstream errors
   */
  PulledImage pull(String image, String holder, List<Digest> held) throws IOException {
    List<Digest> blobs = requireNonNull(held, "held");
    Resolved r = resolve(image, digest -> hold(digest, holder, blobs));
    for (Descriptor layer : r.manifest().layers()) {
      drain(r.target(), layer);
      awaitStored(layer.digest());
      hold(layer.digest(), holder, blobs);
    }
    try {
      return new PulledImage(image, r.manifestDigest(), r.config(), blobs, r.manifest().layers());
    } catch (IllegalArgumentException e) {
      throw new ContainerException(Kind.INVALID, e.getMessage(), e);
    }
  }

  /** Takes note of a blob of the image as soon as the store holds it (a pull references it). */
  interface Hold {
    void held(Digest digest) throws IOException;
  }

  /**
   * An image resolved for this host: the manifest (the index's child, for an index) and its config,
   * both read through the mirror and so in the store; the layers not fetched yet.
   */
  record Resolved(
      Target target, Digest manifestDigest, ImageManifest manifest, ImageConfig config) {}

  /**
   * Reads the manifest for this host's platform and its config through the mirror, calling {@code
   * hold} with each of them (index, manifest, config) once the store holds it.
   *
   * @throws ContainerException INVALID for a bad reference or an image for another platform,
   *     NOT_FOUND for an image the upstream does not have, FAILED for other upstream errors
   */
  Resolved resolve(String image, Hold hold) throws IOException {
    ImageReference ref;
    try {
      ref = ImageReference.parse(image);
    } catch (IllegalArgumentException e) {
      throw new ContainerException(Kind.INVALID, e.getMessage(), e);
    }
    Target t = new Target(image, ref.repository(), namesRegistry(image) ? ref.registry() : null);
    Fetched top = manifest(t, ref.digest() != null ? ref.digest().toString() : ref.tag());
    awaitStored(top.digest());
    hold.held(top.digest());
    ImageManifest manifest;
    Digest manifestDigest = top.digest();
    try {
      ParsedManifest parsed = Manifests.parse(top.bytes(), top.contentType());
      if (parsed instanceof ImageIndex index) {
        Descriptor d =
            HostPlatform.choose(index.manifests(), host)
                .orElseThrow(() -> noManifestFor(image, index));
        Fetched child = manifest(t, d.digest().toString());
        awaitStored(child.digest());
        hold.held(child.digest());
        manifestDigest = child.digest();
        manifest = ImageManifest.parse(child.bytes(), child.contentType());
      } else {
        manifest = (ImageManifest) parsed;
      }
    } catch (IllegalArgumentException e) {
      throw new ContainerException(Kind.INVALID, "image " + image + ": " + e.getMessage(), e);
    }
    ImageConfig config;
    try {
      config = ImageConfig.parse(readConfig(t, manifest.config()));
    } catch (IllegalArgumentException e) {
      throw new ContainerException(Kind.INVALID, "image " + image + ": " + e.getMessage(), e);
    }
    awaitStored(manifest.config().digest());
    hold.held(manifest.config().digest());
    if (!config.os().equals(host.os()) || !config.architecture().equals(host.architecture())) {
      throw new ContainerException(
          Kind.INVALID,
          "image "
              + image
              + " is for "
              + config.platform()
              + ", this host runs "
              + host
              + ": pull a tag or index built for "
              + host);
    }
    return new Resolved(t, manifestDigest, manifest, config);
  }

  record Target(String image, String repository, String ns) {}

  private record Fetched(byte[] bytes, String contentType, Digest digest) {}

  /**
   * Docker's rule (as {@link ImageReference#parse}): the first component names a registry when it
   * has a dot or a colon or is {@code localhost}. Without one, the agent's default upstream serves.
   */
  static boolean namesRegistry(String image) {
    String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int slash = name.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String first = name.substring(0, slash);
    return first.contains(".") || first.contains(":") || first.equals("localhost");
  }

  private Fetched manifest(Target t, String reference) throws IOException {
    HttpResponse<InputStream> r =
        http.get(
            t.repository(),
            t.ns(),
            "manifests/" + reference,
            t.image(),
            "Accept",
            String.join(", ", MediaTypes.MANIFEST_TYPES));
    byte[] body = MirrorHttp.readAll(r, MAX_CONFIG_BYTES);
    Digest actual = Digest.sha256Of(body);
    Optional<String> claimed = r.headers().firstValue("Docker-Content-Digest");
    boolean byDigest = Digest.isDigest(reference);
    if ((byDigest && !actual.toString().equals(reference))
        || (claimed.isPresent() && !claimed.get().equals(actual.toString()))) {
      throw new ContainerException(
          Kind.FAILED,
          "manifest "
              + reference
              + " of "
              + t.image()
              + " hashes to "
              + actual
              + " (expected: "
              + (byDigest ? reference : claimed.get())
              + ")");
    }
    return new Fetched(body, r.headers().firstValue("Content-Type").orElse(null), actual);
  }

  private byte[] readConfig(Target t, Descriptor d) throws IOException {
    if (d.size() > MAX_CONFIG_BYTES) {
      throw new ContainerException(
          Kind.INVALID,
          "image "
              + t.image()
              + " has a config of "
              + d.size()
              + " bytes (expected: at most 8 MiB)");
    }
    byte[] body =
        MirrorHttp.readAll(
            http.get(t.repository(), t.ns(), "blobs/" + d.digest(), t.image()), MAX_CONFIG_BYTES);
    Digest actual = Digest.sha256Of(body);
    if (!actual.equals(d.digest())) {
      throw new ContainerException(
          Kind.FAILED,
          "config of " + t.image() + " hashes to " + actual + " (expected: " + d.digest() + ")");
    }
    return body;
  }

  /** Reads a layer to its end through the mirror, hashing it; the store keeps it. */
  void drain(Target t, Descriptor d) throws IOException {
    if (store.contains(d.digest())) {
      return;
    }
    HttpResponse<InputStream> r =
        http.get(t.repository(), t.ns(), "blobs/" + d.digest(), t.image());
    Hashing hash = new Hashing(DigestAlgorithm.SHA256);
    try (InputStream in = r.body()) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) >= 0; ) {
        hash.update(buf, 0, n);
      }
    }
    if (!hash.digest().equals(d.digest()) || hash.count() != d.size()) {
      throw new ContainerException(
          Kind.FAILED,
          "layer "
              + d.digest()
              + " of "
              + t.image()
              + " arrived as "
              + hash.count()
              + " bytes hashing to "
              + hash.digest()
              + ": retry the run");
    }
  }

  /** References {@code digest}, which the store holds, for {@code holder}. */
  private void hold(Digest digest, String holder, List<Digest> blobs) throws IOException {
    store.addReference(digest, holder);
    if (!blobs.contains(digest)) {
      blobs.add(digest);
    }
  }

  /**
   * Waits until the store holds {@code digest} complete: the mirror publishes a blob just after its
   * last bytes went out.
   */
  void awaitStored(Digest digest) throws IOException {
    long end = System.nanoTime() + PUBLISH.toNanos();
    while (!store.contains(digest)) {
      Optional<BlobFetch> running = fetches.running(digest);
      try {
        if (running.isPresent()) {
          running.get().result().get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } else if (System.nanoTime() < end) {
          // Nothing to be notified by: the blob is between its last byte and its index commit.
          Thread.sleep(20);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for " + digest);
      } catch (ExecutionException | TimeoutException e) {
        // Checked below: the store either has it now or not.
      }
      if (System.nanoTime() >= end && !store.contains(digest)) {
        throw new ContainerException(
            Kind.FAILED,
            "blob " + digest + " was served but is not in the agent's store: try again");
      }
    }
  }

  private static ContainerException noManifestFor(String image, ImageIndex index) {
    List<String> has = new ArrayList<>();
    index.manifests().forEach(d -> has.add(String.valueOf(d.platform())));
    return new ContainerException(
        Kind.INVALID,
        "image "
            + image
            + " has no manifest for "
            + HostPlatform.current()
            + " (it has: "
            + String.join(", ", has)
            + ")");
  }
}

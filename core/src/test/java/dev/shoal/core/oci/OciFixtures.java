package dev.shoal.core.oci;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.shoal.core.digest.Digest;

/** Manifest, index and config documents shaped like the ones real registries serve. */
public final class OciFixtures {
  private OciFixtures() {}

  /** A stable, distinct digest per name, so tests can tell descriptors apart. */
  public static Digest digest(String name) {
    return Digest.sha256Of(name.getBytes(UTF_8));
  }

  public static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  /**
   * An OCI manifest as a hand-edited file would look: tabs, spaces before colons, keys out of the
   * usual order, an unknown field. Its digest must be over exactly these bytes.
   */
  public static final String OCI_MANIFEST =
      """
      {
         "layers" : [
      \t{ "size": 2811947, "digest": "%s",
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip" },
           {"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":"%s","size":0}
         ],
        "schemaVersion":   2,
         "x-vendor-extension": {"future": [1, 2.5, null, true]},
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "size": 1471, "digest": "%s"},
        "annotations": {"org.opencontainers.image.created": "2024-05-01T10:00:00Z",
                        "org.opencontainers.image.source": "https://example.com/app.git"}
      }
      """
          .formatted(digest("layer-0"), digest("layer-1"), digest("config"));

  /** A Docker schema 2 manifest with a foreign (non-distributable) Windows base layer. */
  public static final String DOCKER_MANIFEST =
      """
      {
         "schemaVersion": 2,
         "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 7023,
            "digest": "%s"
         },
         "layers": [
            {
               "mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
               "size": 1718332879,
               "digest": "%s",
               "urls": ["https://mcr.microsoft.com/v2/windows/servercore/blobs/%s"]
            },
            {
               "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
               "size": 32654,
               "digest": "%s"
            }
         ]
      }
      """
          .formatted(digest("config"), digest("base"), digest("base"), digest("app"));

  /** An OCI index for two platforms, with os.version, os.features and variant. */
  public static final String OCI_INDEX =
      """
      {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
          {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "size": 7143,
            "digest": "%s",
            "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}
          },
          {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "size": 7682,
            "digest": "%s",
            "platform": {"architecture": "amd64", "os": "windows",
                         "os.version": "10.0.17763.5820", "os.features": ["win32k"]}
          }
        ],
        "annotations": {"com.example.key1": "value1"}
      }
      """
          .formatted(digest("arm64"), digest("windows"));

  /**
   * A signed Docker schema 1 manifest, as old registries and Docker clients before 1.10 wrote them
   * (values made up, shape faithful: fsLayers, v1Compatibility history, a JWS signature).
   */
  public static final String SCHEMA1_SIGNED =
      """
      {
         "schemaVersion": 1,
         "name": "library/hello-world",
         "tag": "latest",
         "architecture": "amd64",
         "fsLayers": [
            {
               "blobSum": "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"
            },
            {
               "blobSum": "%s"
            }
         ],
         "history": [
            {
               "v1Compatibility": "{\\"id\\":\\"4f1d0a3b\\",\\"parent\\":\\"9c2e8e1f\\",\\"created\\":\\"2016-09-20T17:11:22Z\\",\\"container_config\\":{\\"Cmd\\":[\\"/bin/sh -c #(nop) CMD [\\\\\\"/hello\\\\\\"]\\"]}}"
            },
            {
               "v1Compatibility": "{\\"id\\":\\"9c2e8e1f\\",\\"created\\":\\"2016-09-20T17:11:21Z\\",\\"container_config\\":{\\"Cmd\\":[\\"/bin/sh -c #(nop) COPY file:3f2b in /\\"]}}"
            }
         ],
         "signatures": [
            {
               "header": {
                  "jwk": {
                     "crv": "P-256",
                     "kid": "XJQZ:ZCBL:3BMR:OVAX:64JT:VV3S:6YWA:4JDR:NTVW:5SRN:FNYQ:MRXV",
                     "kty": "EC",
                     "x": "k7FZ3MCi1xBo2eW9Rh1iT_yvuD7b9xFQ2vJ0d4VvWsg",
                     "y": "2o0Qn8Yy2cN3J5yHUv2GHLfZrW9S5Gx7n0qH4dJ5e2Q"
                  },
                  "alg": "ES256"
               },
               "signature": "Qk6f1vZrT9k1mX0h2F5eH8yJ3dL4pN7sR0uW2zA5cE8gI1kM4oQ7rT0vX3yZ6bD9fH2jL5nP8qS1tU4wY7xA0c",
               "protected": "eyJmb3JtYXRMZW5ndGgiOjI0MTIsImZvcm1hdFRhaWwiOiJDbjAiLCJ0aW1lIjoiMjAxNi0wOS0yMFQxNzoxMToyMloifQ"
            }
         ]
      }
      """
          .formatted(digest("hello"));

  /**
   * A Docker image config as {@code docker build} writes it: nulls for unset fields, a {@code
   * container_config} the runtime ignores, history with empty layers.
   */
  public static final String DOCKER_CONFIG =
      """
      {"architecture":"amd64","config":{"Hostname":"","Domainname":"","User":"app:app",
      "AttachStdin":false,"ExposedPorts":{"8080/tcp":{},"9090/udp":{}},"Tty":false,
      "Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/opt/java"],
      "Cmd":["--port","8080"],"Image":"sha256:0a1b","Volumes":{"/data":{}},"WorkingDir":"/srv",
      "Entrypoint":["java","-jar","/srv/app.jar"],"OnBuild":null,
      "Labels":{"maintainer":"team@example.com","org.opencontainers.image.version":"1.2.3"},
      "StopSignal":"SIGTERM"},"container":"4e5f","container_config":{"Cmd":["/bin/sh","-c","#(nop) "]},
      "created":"2024-05-01T10:00:00.123456789Z","docker_version":"24.0.7","author":"Example Team",
      "history":[{"created":"2024-04-01T00:00:00Z","created_by":"/bin/sh -c #(nop) ADD file:abc in / "},
      {"created":"2024-04-01T00:00:01Z","created_by":"/bin/sh -c #(nop)  CMD [\\"sh\\"]","empty_layer":true},
      {"created":"2024-05-01T10:00:00Z","created_by":"COPY app.jar /srv/app.jar # buildkit","comment":"buildkit.dockerfile.v0"}],
      "os":"linux","rootfs":{"type":"layers","diff_ids":["%s","%s"]}}
      """
          .formatted(digest("diff-0"), digest("diff-1"));
}

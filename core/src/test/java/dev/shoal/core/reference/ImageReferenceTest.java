package dev.shoal.core.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
  private static final String HEX = "b".repeat(64);
  private static final Digest DIGEST = Digest.parse("sha256:" + HEX);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "busybox, docker.io/library/busybox:latest",
    "busybox:1.36, docker.io/library/busybox:1.36",
    "user/app, docker.io/user/app:latest",
    "user/team/app:v2, docker.io/user/team/app:v2",
    "docker.io/busybox, docker.io/library/busybox:latest",
    "docker.io/library/busybox, docker.io/library/busybox:latest",
    "index.docker.io/busybox:1, docker.io/library/busybox:1",
    "registry-1.docker.io/user/app, docker.io/user/app:latest",
    "localhost/app, localhost/app:latest",
    "localhost:5000/app:v1, localhost:5000/app:v1",
    "myregistry:5000/app, myregistry:5000/app:latest",
    "registry.example.com/team/app:1.0, registry.example.com/team/app:1.0",
    "Registry.Example.COM:443/app, registry.example.com:443/app:latest",
    "10.0.0.1:5000/app, 10.0.0.1:5000/app:latest",
    "[::1]:5000/x, [::1]:5000/x:latest",
    "[2001:DB8::1]/ns/app:tag, [2001:db8::1]/ns/app:tag",
    "localhost:5000, docker.io/library/localhost:5000",
    "a__b/c---d/e_f.g:V1_x.y-z, docker.io/a__b/c---d/e_f.g:V1_x.y-z",
  })
  void parse_normalisesLikeDocker(String input, String canonical) {
    assertThat(ImageReference.parse(input).toString()).isEqualTo(canonical);
  }

  @Test
  void parse_splitsComponents() {
    ImageReference r = ImageReference.parse("localhost:5000/team/app:v1@sha256:" + HEX);

    assertThat(r.registry()).isEqualTo("localhost:5000");
    assertThat(r.repository()).isEqualTo("team/app");
    assertThat(r.tag()).isEqualTo("v1");
    assertThat(r.digest()).isEqualTo(DIGEST);
    assertThat(r.repositoryPath()).isEqualTo("localhost:5000/team/app");
  }

  @Test
  void parse_keepsDigestWithoutInventingATag() {
    ImageReference r = ImageReference.parse("busybox@sha256:" + HEX);

    assertThat(r.tag()).isNull();
    assertThat(r.digest()).isEqualTo(DIGEST);
    assertThat(r.pullTarget()).isEqualTo("sha256:" + HEX);
    assertThat(r.toString()).isEqualTo("docker.io/library/busybox@sha256:" + HEX);
  }

  @Test
  void pullTarget_prefersDigestOverTag() {
    ImageReference both = ImageReference.parse("busybox:1.36@sha256:" + HEX);

    assertThat(both.tag()).isEqualTo("1.36");
    assertThat(both.pullTarget()).isEqualTo(DIGEST.toString());
    assertThat(ImageReference.parse("busybox:1.36").pullTarget()).isEqualTo("1.36");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "busybox, busybox:latest",
    "docker.io/library/busybox:1.36, busybox:1.36",
    "user/app, user/app:latest",
    "docker.io/library/team/app, library/team/app:latest",
    "localhost:5000/app:v1, localhost:5000/app:v1",
    "docker.io/foo.bar/app, docker.io/foo.bar/app:latest",
    "docker.io/localhost/app, docker.io/localhost/app:latest",
  })
  void familiar_isDockersShortFormAndParsesBack(String input, String familiar) {
    ImageReference r = ImageReference.parse(input);

    assertThat(r.familiar()).isEqualTo(familiar);
    assertThat(ImageReference.parse(r.familiar())).isEqualTo(r);
  }

  @Test
  void parse_rejectsUppercaseRepository() {
    assertThatThrownBy(() -> ImageReference.parse("Foo/bar"))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessage(
            "reference: \"Foo/bar\" has uppercase letters in its repository name (expected:"
                + " lowercase a-z, 0-9 and separators . _ __ -)");
    assertThatThrownBy(() -> ImageReference.parse("registry.example.com/team/App:v1"))
        .hasMessageContaining("uppercase");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../etc/passwd", "docker.io/../x", "a/../b", "localhost/./x", "a/.."})
  void parse_rejectsRelativePathComponents(String input) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageStartingWith("reference: \"" + input + "\" has a relative path component");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a//b", "/busybox", "busybox/", "localhost:5000//app", "/"})
  void parse_rejectsEmptyPathComponents(String input) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("has an empty path component");
  }

  @Test
  void parse_rejectsEmptyInputsAndParts() {
    assertThatThrownBy(() -> ImageReference.parse(""))
        .hasMessage(
            "reference: empty (expected: [registry/]name[:tag][@digest], e.g. busybox:latest)");
    assertThatThrownBy(() -> ImageReference.parse("registry.example.com/"))
        .hasMessageContaining("has an empty repository name");
    assertThatThrownBy(() -> ImageReference.parse(":latest"))
        .hasMessageContaining("has an empty repository name");
    assertThatThrownBy(() -> ImageReference.parse("busybox:"))
        .hasMessageStartingWith("reference: \"busybox:\" has an empty tag");
    assertThatThrownBy(() -> ImageReference.parse("busybox@"))
        .hasMessage(
            "reference: \"busybox@\" has an invalid digest: empty (expected: sha256:<64 lowercase"
                + " hex>)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a___b", "a-", "-a", "a..b", "a.-b", "a b", " busybox", "ü", "a+b"})
  void parse_rejectsComponentsOutsideTheGrammar(String name) {
    assertThatThrownBy(() -> ImageReference.parse(name))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("has an invalid component \"" + name + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-tag", ".tag", "tag!", "ta g", "täg"})
  void parse_rejectsTagsOutsideTheGrammar(String tag) {
    assertThatThrownBy(() -> ImageReference.parse("busybox:" + tag))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("has an invalid tag \"" + tag + "\"");
  }

  @Test
  void parse_acceptsTagOf128AndRejects129() {
    String tag128 = "_" + "x".repeat(127);

    assertThat(ImageReference.parse("busybox:" + tag128).tag()).isEqualTo(tag128);
    assertThatThrownBy(() -> ImageReference.parse("busybox:" + tag128 + "x"))
        .hasMessageContaining("has a tag of 129 characters (expected: at most 128)");
  }

  @Test
  void parse_acceptsName255AndRejects256() {
    String host = "registry.example.com";
    String repo255 = "a".repeat(255 - host.length() - 1);

    assertThat(ImageReference.parse(host + "/" + repo255).repositoryPath()).hasSize(255);
    assertThatThrownBy(() -> ImageReference.parse(host + "/" + repo255 + "b"))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("has a name of 256 characters (expected: at most 255");
  }

  @Test
  void parse_countsTheLibraryPrefixInTheNameLength() {
    // docker.io/library/ is 18 characters; Docker checks the normalised name.
    String name = "a".repeat(255 - 18 + 1);

    assertThatThrownBy(() -> ImageReference.parse(name)).hasMessageContaining("has a name of 256");
  }

  @Test
  void parse_rejectsOverlongInputQuotingOnlyItsStart() {
    String huge = "a".repeat(100_000);

    assertThatThrownBy(() -> ImageReference.parse(huge))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("is 100000 characters long (expected: at most 520)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
  }

  @Test
  void parse_rejectsBadDigests() {
    assertThatThrownBy(() -> ImageReference.parse("busybox@sha256:" + HEX.toUpperCase()))
        .hasMessageStartingWith("reference: \"busybox@sha256:BBBB")
        .hasMessageContaining("has an invalid digest: ")
        .hasMessageContaining("expected: lowercase hex");
    assertThatThrownBy(() -> ImageReference.parse("busybox@md5:" + "b".repeat(32)))
        .hasMessageContaining("unknown algorithm \"md5\"");
    assertThatThrownBy(() -> ImageReference.parse("busybox@sha256:abc"))
        .hasMessageContaining("has 3 hex characters");
  }

  @Test
  void parse_rejectsBadRegistries() {
    assertThatThrownBy(() -> ImageReference.parse("exa_mple.com/app"))
        .hasMessage(
            "reference: \"exa_mple.com/app\" has an invalid registry host \"exa_mple.com\""
                + " (expected: a DNS name or [IPv6 address], with an optional :port)");
    assertThatThrownBy(() -> ImageReference.parse("-bad.example.com/app"))
        .hasMessageContaining("invalid registry host");
    assertThatThrownBy(() -> ImageReference.parse("localhost:99999/app"))
        .hasMessageContaining("has registry port 99999 (expected: 1 to 65535)");
    assertThatThrownBy(() -> ImageReference.parse("localhost:0/app"))
        .hasMessageContaining("has registry port 0");
    assertThatThrownBy(() -> ImageReference.parse("[zz::1]:5000/app"))
        .hasMessageContaining("invalid registry host");
  }

  @Test
  void constructor_normalisesSoEqualImagesAreEqual() {
    ImageReference built = new ImageReference("Index.Docker.IO", "busybox", "latest", null);

    assertThat(built).isEqualTo(ImageReference.parse("busybox"));
    assertThat(built.repository()).isEqualTo("library/busybox");
  }

  @Test
  void constructor_rejectsWhatWouldNotParseBack() {
    assertThatThrownBy(() -> new ImageReference("myhost", "app", "latest", null))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageStartingWith("registry: \"myhost\" would be read as a Docker Hub namespace");
    assertThatThrownBy(() -> new ImageReference("localhost", "app", null, null))
        .hasMessageContaining("has neither a tag nor a digest");
    assertThatThrownBy(() -> new ImageReference("localhost", "App", "v1", null))
        .hasMessageStartingWith("repository name: \"App\" has uppercase letters");
    assertThatThrownBy(() -> new ImageReference("localhost", "app", "-v1", null))
        .hasMessageStartingWith("tag: \"-v1\" has an invalid tag");
    assertThatThrownBy(() -> new ImageReference(null, "app", "v1", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry");
  }

  @Test
  void withTagAndWithDigest_keepTheOther() {
    ImageReference r = ImageReference.parse("registry.example.com/app:v1");

    ImageReference pinned = r.withDigest(DIGEST);
    ImageReference retagged = pinned.withTag("v2");

    assertThat(pinned.toString()).isEqualTo("registry.example.com/app:v1@sha256:" + HEX);
    assertThat(retagged.tag()).isEqualTo("v2");
    assertThat(retagged.digest()).isEqualTo(DIGEST);
    assertThatThrownBy(() -> r.withTag("bad tag")).isInstanceOf(InvalidReferenceException.class);
  }

  @Test
  void validateRepositoryName_checksApiPathNames() {
    assertThat(ImageReference.validateRepositoryName("library/busybox"))
        .isEqualTo("library/busybox");
    assertThat(ImageReference.validateRepositoryName("busybox")).isEqualTo("busybox");
    assertThatThrownBy(() -> ImageReference.validateRepositoryName("Library/busybox"))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageStartingWith("repository name: \"Library/busybox\" has uppercase letters");
    assertThatThrownBy(() -> ImageReference.validateRepositoryName("../../etc/passwd"))
        .hasMessageContaining("relative path component \"..\"");
    assertThatThrownBy(() -> ImageReference.validateRepositoryName(""))
        .hasMessageContaining("empty repository name");
    assertThatThrownBy(() -> ImageReference.validateRepositoryName("a".repeat(256)))
        .hasMessageContaining("is 256 characters long (expected: at most 255)");
    assertThat(ImageReference.validateRepositoryName("a".repeat(255))).hasSize(255);
  }

  @Test
  void validateTag_checksTags() {
    assertThat(ImageReference.validateTag("v1.2.3-rc_1")).isEqualTo("v1.2.3-rc_1");
    assertThatThrownBy(() -> ImageReference.validateTag("sha256:" + HEX))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageStartingWith("tag: \"sha256:");
    assertThatThrownBy(() -> ImageReference.validateTag(""))
        .hasMessageStartingWith("tag: \"\" has an empty tag");
  }
}

package dev.shoal.core.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.core.digest.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Parsing and normalisation of generated valid references, and of invalid ones made from them. */
class ImageReferencePropertiesTest {
  private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

  /** The parts of a reference as a user might type it; registry, tag and digest may be null. */
  record Input(String registry, List<String> path, String tag, String digest) {
    String text() {
      return (registry == null ? "" : registry + "/")
          + String.join("/", path)
          + (tag == null ? "" : ":" + tag)
          + (digest == null ? "" : "@" + digest);
    }

    /** Without a registry, a first component with a dot would itself be read as a registry. */
    boolean unambiguous() {
      return registry != null || path.size() == 1 || path.get(0).indexOf('.') < 0;
    }
  }

  @Property(tries = 500)
  void parse_roundTripsThroughToString(@ForAll("inputs") Input input) {
    Assume.that(input.unambiguous());
    ImageReference r = ImageReference.parse(input.text());

    assertThat(ImageReference.parse(r.toString())).isEqualTo(r);
    assertThat(ImageReference.parse(r.toString()).toString()).isEqualTo(r.toString());
  }

  @Property(tries = 500)
  void parse_normalisesAsDockerDoes(@ForAll("inputs") Input input) {
    Assume.that(input.unambiguous());
    ImageReference r = ImageReference.parse(input.text());

    String joined = String.join("/", input.path());
    String expectedRegistry =
        input.registry() == null ? "docker.io" : input.registry().toLowerCase(Locale.ROOT);
    if (expectedRegistry.equals("index.docker.io")
        || expectedRegistry.equals("registry-1.docker.io")) {
      expectedRegistry = "docker.io";
    }
    boolean official = expectedRegistry.equals("docker.io") && input.path().size() == 1;
    assertThat(r.registry()).isEqualTo(expectedRegistry);
    assertThat(r.repository()).isEqualTo(official ? "library/" + joined : joined);
    assertThat(r.digest() == null ? null : r.digest().toString()).isEqualTo(input.digest());
    String expectedTag = input.tag() == null && input.digest() == null ? "latest" : input.tag();
    assertThat(r.tag()).isEqualTo(expectedTag);
    assertThat(r.pullTarget()).isEqualTo(input.digest() != null ? input.digest() : expectedTag);
  }

  @Property(tries = 500)
  void normalisation_isIdempotent(@ForAll("inputs") Input input) {
    Assume.that(input.unambiguous());
    ImageReference once = ImageReference.parse(input.text());
    ImageReference twice = ImageReference.parse(once.toString());

    assertThat(twice).isEqualTo(once);
    assertThat(ImageReference.parse(twice.toString()).toString()).isEqualTo(once.toString());
    assertThat(ImageReference.parse(once.familiar()).familiar()).isEqualTo(once.familiar());
  }

  @Property(tries = 500)
  void familiar_parsesBackToTheSameReference(@ForAll("inputs") Input input) {
    Assume.that(input.unambiguous());
    ImageReference r = ImageReference.parse(input.text());

    assertThat(ImageReference.parse(r.familiar())).isEqualTo(r);
    assertThat(r.familiar().length()).isLessThanOrEqualTo(r.toString().length());
  }

  @Property(tries = 500)
  void parsedParts_passTheStandaloneValidators(@ForAll("inputs") Input input) {
    Assume.that(input.unambiguous());
    ImageReference r = ImageReference.parse(input.text());

    assertThat(ImageReference.validateRepositoryName(r.repository())).isEqualTo(r.repository());
    if (r.tag() != null) {
      assertThat(ImageReference.validateTag(r.tag())).isEqualTo(r.tag());
    }
  }

  @Property(tries = 500)
  void parse_rejectsAnyUppercaseLetterInTheRepositoryPath(
      @ForAll("inputs") Input input,
      @ForAll("indexes") int componentPick,
      @ForAll("indexes") int charPick,
      @ForAll("upperLetters") char upper) {
    Assume.that(input.unambiguous());
    List<String> path = new ArrayList<>(input.path());
    int c = componentPick % path.size();
    String component = path.get(c);
    List<Integer> alnumPositions = new ArrayList<>();
    for (int i = 0; i < component.length(); i++) {
      if (Character.isLetterOrDigit(component.charAt(i))) {
        alnumPositions.add(i);
      }
    }
    int at = alnumPositions.get(charPick % alnumPositions.size());
    path.set(c, component.substring(0, at) + upper + component.substring(at + 1));
    Input shouted = new Input(input.registry(), path, input.tag(), input.digest());

    assertThatThrownBy(() -> ImageReference.parse(shouted.text()))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("has uppercase letters in its repository name");
    assertThatThrownBy(() -> ImageReference.validateRepositoryName(String.join("/", path)))
        .isInstanceOf(InvalidReferenceException.class);
  }

  @Provide
  Arbitrary<Input> inputs() {
    return Combinators.combine(
            registries().injectNull(0.3),
            components().list().ofMinSize(1).ofMaxSize(4),
            tags().injectNull(0.3),
            digests().injectNull(0.6))
        .as(Input::new);
  }

  @Provide
  Arbitrary<Integer> indexes() {
    return Arbitraries.integers().between(0, 1000);
  }

  @Provide
  Arbitrary<Character> upperLetters() {
    return Arbitraries.chars().range('A', 'Z');
  }

  /** One component of the name grammar: alphanumeric runs joined by . _ __ or dashes. */
  private static Arbitrary<String> components() {
    Arbitrary<String> run =
        Arbitraries.strings().withChars(LOWER_ALNUM).ofMinLength(1).ofMaxLength(6);
    Arbitrary<String> separator = Arbitraries.of(".", "_", "__", "-", "---");
    Arbitrary<List<String>> more =
        Combinators.combine(separator, run).as(String::concat).list().ofMaxSize(2);
    return Combinators.combine(run, more).as((first, rest) -> first + String.join("", rest));
  }

  private static Arbitrary<String> registries() {
    Arbitrary<String> label =
        Arbitraries.strings()
            .withChars(LOWER_ALNUM + "ABCXYZ-")
            .ofMinLength(1)
            .ofMaxLength(10)
            .filter(l -> !l.startsWith("-") && !l.endsWith("-"));
    Arbitrary<String> port = Arbitraries.integers().between(1, 65535).map(p -> ":" + p);
    Arbitrary<String> dns =
        Combinators.combine(label.list().ofMinSize(2).ofMaxSize(3), port.injectNull(0.5))
            .as((labels, p) -> String.join(".", labels) + (p == null ? "" : p));
    Arbitrary<String> hostWithPort = Combinators.combine(label, port).as(String::concat);
    Arbitrary<String> ipv6 =
        Combinators.combine(
                Arbitraries.strings()
                    .withChars("0123456789abcdefABCDEF")
                    .ofMinLength(1)
                    .ofMaxLength(4),
                port.injectNull(0.5))
            .as((group, p) -> "[fd00::" + group + "]" + (p == null ? "" : p));
    Arbitrary<String> ipv4 =
        Combinators.combine(Arbitraries.integers().between(0, 255).list().ofSize(4), port)
            .as((octets, p) -> String.join(".", octets.stream().map(String::valueOf).toList()) + p);
    return Arbitraries.oneOf(
        Arbitraries.of(
            "docker.io", "index.docker.io", "registry-1.docker.io", "Docker.IO", "localhost"),
        port.map(p -> "localhost" + p),
        dns,
        hostWithPort,
        ipv6,
        ipv4);
  }

  private static Arbitrary<String> tags() {
    Arbitrary<Character> first =
        Arbitraries.chars().range('a', 'z').range('A', 'Z').range('0', '9').with('_');
    Arbitrary<String> rest =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withCharRange('A', 'Z')
            .withCharRange('0', '9')
            .withChars("._-")
            .ofMaxLength(127);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  private static Arbitrary<String> digests() {
    return Arbitraries.oneOf(
            Arbitraries.strings()
                .withChars("0123456789abcdef")
                .ofLength(64)
                .map(h -> "sha256:" + h),
            Arbitraries.strings()
                .withChars("0123456789abcdef")
                .ofLength(128)
                .map(h -> "sha512:" + h))
        .map(s -> Digest.parse(s).toString());
  }
}

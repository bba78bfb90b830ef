package dev.shoal.core.digest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DigestTest {
  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String ABC_SHA256 =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String ABC_SHA512 =
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
          + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

  @Test
  void parse_acceptsCanonicalSha256() {
    Digest d = Digest.parse("sha256:" + ABC_SHA256);

    assertThat(d.algorithm()).isEqualTo(DigestAlgorithm.SHA256);
    assertThat(d.hex()).isEqualTo(ABC_SHA256);
  }

  @Test
  void parse_acceptsSha512() {
    Digest d = Digest.parse("sha512:" + ABC_SHA512);

    assertThat(d.algorithm()).isEqualTo(DigestAlgorithm.SHA512);
    assertThat(d.hex()).isEqualTo(ABC_SHA512);
  }

  @Test
  void parse_roundTripsThroughToString() {
    for (String s : new String[] {"sha256:" + ABC_SHA256, "sha512:" + ABC_SHA512}) {
      assertThat(Digest.parse(s).toString()).isEqualTo(s);
      assertThat(Digest.parse(Digest.parse(s).toString())).isEqualTo(Digest.parse(s));
    }
  }

  @Test
  void parse_rejectsUppercaseHex() {
    String upper = "sha256:" + ABC_SHA256.toUpperCase();

    assertThatThrownBy(() -> Digest.parse(upper))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessageContaining("\"B\" at position 0")
        .hasMessageContaining("expected: lowercase hex");
  }

  @Test
  void parse_rejectsUppercaseAlgorithm() {
    assertThatThrownBy(() -> Digest.parse("SHA256:" + ABC_SHA256))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessageContaining("unknown algorithm \"SHA256\"");
  }

  @Test
  void parse_rejectsShortHex() {
    assertThatThrownBy(() -> Digest.parse("sha256:abc"))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessage("digest: \"sha256:abc\" has 3 hex characters (expected: 64 for sha256)");
  }

  @Test
  void parse_rejectsSha512LengthUnderSha256() {
    assertThatThrownBy(() -> Digest.parse("sha256:" + ABC_SHA512))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessageContaining("has 128 hex characters (expected: 64 for sha256)");
  }

  @Test
  void parse_rejectsUnknownAlgorithm() {
    assertThatThrownBy(() -> Digest.parse("md5:900150983cd24fb0d6963f7d28e17f72"))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessageContaining("unknown algorithm \"md5\"")
        .hasMessageContaining("expected: sha256 or sha512");
  }

  @Test
  void parse_rejectsEmptyAndNull() {
    assertThatThrownBy(() -> Digest.parse(""))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessage("digest: empty (expected: sha256:<64 lowercase hex>)");
    assertThatThrownBy(() -> Digest.parse(null)).isInstanceOf(InvalidDigestException.class);
  }

  @Test
  void parse_rejectsMissingColon() {
    assertThatThrownBy(() -> Digest.parse(ABC_SHA256))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessageContaining("has no algorithm");
  }

  @Test
  void parse_rejectsEmptyHex() {
    assertThatThrownBy(() -> Digest.parse("sha256:"))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessageContaining("has 0 hex characters");
  }

  @Test
  void parse_rejectsNonHexCharacter() {
    String bad = "sha256:" + ABC_SHA256.substring(0, 63) + "g";

    assertThatThrownBy(() -> Digest.parse(bad))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessageContaining("\"g\" at position 63");
  }

  @Test
  void parse_rejectsOverlongInputAndCutsTheQuote() {
    String overlong = "sha256:" + "a".repeat(1_000_000);

    assertThatThrownBy(() -> Digest.parse(overlong))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessageContaining("has 1000000 hex characters")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(200));
  }

  @Test
  void constructor_validatesLikeParse() {
    assertThatThrownBy(() -> new Digest(DigestAlgorithm.SHA256, "ABC"))
        .isInstanceOf(InvalidDigestException.class)
        .hasMessageContaining("\"sha256:ABC\"");
  }

  @Test
  void sha256Of_matchesKnownVectors() {
    assertThat(Digest.sha256Of(new byte[0]).hex()).isEqualTo(EMPTY_SHA256);
    assertThat(Digest.sha256Of("abc".getBytes(UTF_8)).toString()).isEqualTo("sha256:" + ABC_SHA256);
  }

  @Test
  void of_wrapsSha512Output() {
    byte[] raw = DigestAlgorithm.SHA512.newHasher().digest("abc".getBytes(UTF_8));

    assertThat(Digest.of(DigestAlgorithm.SHA512, raw).hex()).isEqualTo(ABC_SHA512);
  }

  @Test
  void bytes_areTheRawHash() {
    Digest d = Digest.parse("sha256:" + ABC_SHA256);

    assertThat(Digest.of(DigestAlgorithm.SHA256, d.bytes())).isEqualTo(d);
    assertThat(d.bytes()).hasSize(32).startsWith((byte) 0xba, (byte) 0x78);
  }

  @Test
  void isDigest_tellsDigestsFromTags() {
    assertThat(Digest.isDigest("sha256:" + ABC_SHA256)).isTrue();
    assertThat(Digest.isDigest("latest")).isFalse();
    assertThat(Digest.isDigest("sha256:abc")).isFalse();
  }

  @Test
  void shortHex_isTwelveCharacters() {
    assertThat(Digest.parse("sha256:" + ABC_SHA256).shortHex()).isEqualTo("ba7816bf8f01");
  }

  @Test
  void compareTo_ordersByAlgorithmThenHex() {
    Digest a = Digest.parse("sha256:" + "0".repeat(64));
    Digest b = Digest.parse("sha256:" + "1".repeat(64));
    Digest c = Digest.parse("sha512:" + "0".repeat(128));

    assertThat(a).isLessThan(b);
    assertThat(b).isLessThan(c);
    assertThat(a.compareTo(Digest.parse(a.toString()))).isZero();
  }
}

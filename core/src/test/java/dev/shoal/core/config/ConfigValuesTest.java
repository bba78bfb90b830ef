package dev.shoal.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {
  @Test
  void parseSize_acceptsBinaryAndDecimalUnits() throws ConfigException {
    assertThat(ConfigValues.parseSize("k", "10GiB")).isEqualTo(10L << 30);
    assertThat(ConfigValues.parseSize("k", "500MB")).isEqualTo(500_000_000L);
    assertThat(ConfigValues.parseSize("k", "1048576")).isEqualTo(1_048_576L);
    assertThat(ConfigValues.parseSize("k", "1.5KiB")).isEqualTo(1536L);
    assertThat(ConfigValues.parseSize("k", "2 tib")).isEqualTo(2L << 40);
    assertThat(ConfigValues.parseSize("k", "0")).isZero();
  }

  @Test
  void parseSize_rejectsUnknownUnitsNamingKeyAndValue() {
    assertThatThrownBy(() -> ConfigValues.parseSize("store.maxBytes", "10 gigs"))
        .hasMessage(
            "store.maxBytes: \"10 gigs\" (expected: a size such as 10GiB, 500MB or 1048576)");
    assertThatThrownBy(() -> ConfigValues.parseSize("k", "-1GB"))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> ConfigValues.parseSize("k", "99999999999TiB"))
        .hasMessageContaining("below 8EiB");
  }

  @Test
  void parseDuration_acceptsUnitsAndCompounds() throws ConfigException {
    assertThat(ConfigValues.parseDuration("k", "30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(ConfigValues.parseDuration("k", "5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(ConfigValues.parseDuration("k", "250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ConfigValues.parseDuration("k", "1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(ConfigValues.parseDuration("k", "2d")).isEqualTo(Duration.ofDays(2));
    assertThat(ConfigValues.parseDuration("k", "0")).isZero();
  }

  @Test
  void formatDuration_writesWhatParseDurationReads() throws ConfigException {
    assertThat(ConfigValues.formatDuration(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(ConfigValues.formatDuration(Duration.ofHours(24))).isEqualTo("1d");
    assertThat(ConfigValues.formatDuration(Duration.ofMillis(1250))).isEqualTo("1s250ms");
    assertThat(ConfigValues.formatDuration(Duration.ZERO)).isEqualTo("0");
    assertThat(ConfigValues.formatDuration(Duration.ofSeconds(-10))).isEqualTo("-10s");
    for (String text : new String[] {"2d3h", "45s", "1h1m1s1ms"}) {
      assertThat(ConfigValues.formatDuration(ConfigValues.parseDuration("k", text)))
          .isEqualTo(text);
    }
  }

  @Test
  void parseDuration_rejectsMissingUnitsAndGarbage() {
    for (String bad : new String[] {"30", "5 minutes", "s", "", "1h 30m", "-5s", "5x"}) {
      assertThatThrownBy(() -> ConfigValues.parseDuration("store.evictionInterval", bad))
          .as(bad)
          .hasMessageStartingWith("store.evictionInterval: ")
          .hasMessageEndingWith("(expected: a duration such as 30s, 5m, 1h30m or 250ms)");
    }
  }

  @Test
  void parseHttpUrl_normalizesTrailingSlashAndRejectsOtherSchemes() throws ConfigException {
    assertThat(ConfigValues.parseHttpUrl("k", "https://registry.example.com/"))
        .isEqualTo(URI.create("https://registry.example.com"));
    assertThat(ConfigValues.parseHttpUrl("k", "http://127.0.0.1:5000"))
        .isEqualTo(URI.create("http://127.0.0.1:5000"));
    assertThatThrownBy(() -> ConfigValues.parseHttpUrl("mirror.upstream", "ftp://x"))
        .hasMessageStartingWith("mirror.upstream: \"ftp://x\" (expected: an http:// or https://");
    assertThatThrownBy(() -> ConfigValues.parseHttpUrl("k", "registry.example.com"))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> ConfigValues.parseHttpUrl("k", "https://user:pw@host"))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void quote_escapesQuotesAndControlCharacters() {
    assertThat(ConfigValues.quote("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\u000a\"");
  }
}

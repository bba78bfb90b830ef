package dev.shoal.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {
  @Test
  void parse_readsHostAndPort() throws ConfigException {
    assertThat(HostPort.parse("k", "127.0.0.1:5050")).isEqualTo(new HostPort("127.0.0.1", 5050));
    assertThat(HostPort.parse("k", "localhost:0")).isEqualTo(new HostPort("localhost", 0));
    assertThat(HostPort.parse("k", "0.0.0.0:65535").port()).isEqualTo(65535);
  }

  @Test
  void parse_readsBracketedIpv6() throws ConfigException {
    HostPort v6 = HostPort.parse("k", "[::1]:5050");
    assertThat(v6).isEqualTo(new HostPort("::1", 5050));
    assertThat(v6.toString()).isEqualTo("[::1]:5050");
  }

  @Test
  void parse_rejectsWithoutPortNamingKeyAndValue() {
    assertThatThrownBy(() -> HostPort.parse("mirror.listen", "nohost"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("mirror.listen: \"nohost\" (expected: HOST:PORT)");
  }

  @Test
  void parse_rejectsBadPortsAndHosts() {
    for (String bad : new String[] {":5050", "host:", "host:x", "host:65536", "::1:5050", "h:-1"}) {
      assertThatThrownBy(() -> HostPort.parse("--listen", bad))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("--listen: ");
    }
  }
}

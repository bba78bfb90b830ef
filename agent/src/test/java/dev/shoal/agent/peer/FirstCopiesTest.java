package dev.shoal.agent.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FirstCopiesTest {
  private final FirstCopies copies = new FirstCopies();
  // A running fetch, of which only the identity matters.
  private final Object fetch = new Object();

  @Test
  void theFirstAskerIsServed_aSecondIsSentToItOnce_thenServed() {
    assertThat(copies.relayFor(fetch, 3, "10.0.0.1:7000")).isEmpty();
    assertThat(copies.relayFor(fetch, 3, "10.0.0.2:7000")).contains("10.0.0.1:7000");
    assertThat(copies.relayFor(fetch, 3, "10.0.0.3:7000")).contains("10.0.0.1:7000");

    // The one sent on comes back (its relay failed it): served.
    assertThat(copies.relayFor(fetch, 3, "10.0.0.2:7000")).isEmpty();
    // The first asker asking again (a retry) is served too.
    assertThat(copies.relayFor(fetch, 3, "10.0.0.1:7000")).isEmpty();
  }

  @Test
  void eachPieceAndEachFetchHasItsOwnFirst() {
    Object other = new Object();
    assertThat(copies.relayFor(fetch, 0, "a:1")).isEmpty();
    assertThat(copies.relayFor(fetch, 1, "b:1")).isEmpty();
    assertThat(copies.relayFor(other, 0, "b:1")).isEmpty();

    assertThat(copies.relayFor(fetch, 1, "a:1")).contains("b:1");
    assertThat(copies.relayFor(other, 0, "a:1")).contains("b:1");
  }

  @Test
  void aReaderWithoutAnAddressIsAlwaysServed() {
    assertThat(copies.relayFor(fetch, 0, "a:1")).isEmpty();
    assertThat(copies.relayFor(fetch, 0, "")).isEmpty();
    assertThat(copies.relayFor(fetch, 0, "")).isEmpty();
  }
}

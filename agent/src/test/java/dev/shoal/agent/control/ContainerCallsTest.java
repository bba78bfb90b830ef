package dev.shoal.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ContainerCallsTest {
  @Test
  void followPoll_isShortRightAfterOutput() {
    assertThat(ContainerCalls.followPoll(Duration.ZERO)).isEqualTo(Duration.ofMillis(10));
    assertThat(ContainerCalls.followPoll(Duration.ofMillis(80))).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void followPoll_growsWithTheTimeSinceTheLastOutput() {
    assertThat(ContainerCalls.followPoll(Duration.ofMillis(500))).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void followPoll_staysAtFiveReadsASecondWhenIdle() {
    assertThat(ContainerCalls.followPoll(Duration.ofSeconds(3))).isEqualTo(Duration.ofMillis(200));
    assertThat(ContainerCalls.followPoll(Duration.ofHours(1))).isEqualTo(Duration.ofMillis(200));
  }
}

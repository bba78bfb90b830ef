package dev.shoal.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeccompTest {
  @Test
  void fromSecurityOpts_defaultsToTheProfile_andTakesDockersSpellingsOfUnconfined()
      throws Exception {
    assertThat(Seccomp.fromSecurityOpts(List.of())).isEqualTo(Seccomp.DEFAULT);
    assertThat(Seccomp.fromSecurityOpts(List.of("seccomp=unconfined")))
        .isEqualTo(Seccomp.UNCONFINED);
    assertThat(Seccomp.fromSecurityOpts(List.of("seccomp:unconfined")))
        .isEqualTo(Seccomp.UNCONFINED);
    assertThat(Seccomp.fromSecurityOpts(List.of("seccomp=unconfined", "seccomp=default")))
        .as("the last one wins")
        .isEqualTo(Seccomp.DEFAULT);
  }

  @Test
  void fromSecurityOpts_refusesWhatShoalDoesNotOffer_sayingWhatItDoes() {
    assertThatThrownBy(() -> Seccomp.fromSecurityOpts(List.of("apparmor=unconfined")))
        .isInstanceOf(ContainerException.class)
        .hasMessage(
            "--security-opt apparmor=unconfined (expected: seccomp=unconfined to run without the"
                + " default seccomp profile; Shoal offers no other security option)");
    assertThatThrownBy(() -> Seccomp.fromSecurityOpts(List.of("seccomp=/etc/profile.json")))
        .isInstanceOf(ContainerException.class);
  }
}

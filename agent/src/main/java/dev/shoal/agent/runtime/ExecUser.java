package dev.shoal.agent.runtime;

import dev.shoal.agent.runtime.ContainerException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The user a container's process runs as, from the image config's {@code User} (image spec
 * config.md: {@code user}, {@code uid}, {@code user:group}, {@code uid:gid}, {@code user:gid},
 * {@code uid:group}), resolved against the image's own {@code /etc/passwd} and {@code /etc/group}.
 *
 * <p>As Docker does: empty means root; a numeric uid needs no passwd entry (its gid then comes from
 * the entry when there is one, else 0); a name must exist; supplementary groups are the groups that
 * list the user's name. The files are read only when they resolve inside the root file system: an
 * image whose {@code /etc/passwd} is a link out of it (to the host's) counts as having none.
 *
 * @param home the user's home directory from passwd, or {@code /}
 */
record ExecUser(long uid, long gid, List<Long> additionalGids, String home) {
  ExecUser {
    additionalGids = List.copyOf(additionalGids);
  }

  private record Passwd(String name, long uid, long gid, String home) {}

  private record Group(String name, long gid, List<String> members) {}

  static ExecUser resolve(Path rootfs, String user) throws IOException {
    String spec = user == null ? "" : user.strip();
    String userPart = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
    String groupPart = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : null;
    List<Passwd> passwd = passwd(rootfs);
    Passwd entry;
    long uid;
    if (userPart.isEmpty()) {
      uid = 0;
      entry = passwd.stream().filter(p -> p.uid() == 0).findFirst().orElse(null);
    } else if (isNumber(userPart)) {
      uid = Long.parseLong(userPart);
      entry = passwd.stream().filter(p -> p.uid() == uid).findFirst().orElse(null);
    } else {
      entry =
          passwd.stream()
              .filter(p -> p.name().equals(userPart))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ContainerException(
                          Kind.INVALID,
                          "user "
                              + userPart
                              + " of the image is not in its /etc/passwd:"
                              + " run it with a numeric uid instead"));
      uid = entry.uid();
    }
    List<Group> groups = groups(rootfs);
    long gid;
    if (groupPart == null || groupPart.isEmpty()) {
      gid = entry == null ? 0 : entry.gid();
    } else if (isNumber(groupPart)) {
      gid = Long.parseLong(groupPart);
    } else {
      gid =
          groups.stream()
              .filter(g -> g.name().equals(groupPart))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ContainerException(
                          Kind.INVALID,
                          "group "
                              + groupPart
                              + " of the image is not in its /etc/group:"
                              + " run it with a numeric gid instead"))
              .gid();
    }
    List<Long> extra = new ArrayList<>();
    if (entry != null) {
      for (Group g : groups) {
        if (g.members().contains(entry.name()) && g.gid() != gid && !extra.contains(g.gid())) {
          extra.add(g.gid());
        }
      }
    }
    String home = entry == null || entry.home().isEmpty() ? "/" : entry.home();
    return new ExecUser(uid, gid, extra, home);
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.length() <= 10 && s.chars().allMatch(Character::isDigit);
  }

  private static List<Passwd> passwd(Path rootfs) throws IOException {
    List<Passwd> out = new ArrayList<>();
    for (String[] f : fields(rootfs, "etc/passwd", 7)) {
      if (isNumber(f[2]) && isNumber(f[3])) {
        out.add(new Passwd(f[0], Long.parseLong(f[2]), Long.parseLong(f[3]), f[5]));
      }
    }
    return out;
  }

  private static List<Group> groups(Path rootfs) throws IOException {
    List<Group> out = new ArrayList<>();
    for (String[] f : fields(rootfs, "etc/group", 4)) {
      if (isNumber(f[2])) {
        List<String> members = new ArrayList<>();
        for (String m : f[3].split(",")) {
          if (!m.isBlank()) {
            members.add(m.strip());
          }
        }
        out.add(new Group(f[0], Long.parseLong(f[2]), members));
      }
    }
    return out;
  }

  /** The colon-separated lines of a file of the image, with at least {@code min} fields. */
  private static List<String[]> fields(Path rootfs, String relative, int min) throws IOException {
    Optional<Path> file = inside(rootfs, relative);
    List<String[]> out = new ArrayList<>();
    if (file.isEmpty()) {
      return out;
    }
    for (String line : Files.readAllLines(file.get(), StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(":", -1);
      if (f.length >= min) {
        out.add(f);
      }
    }
    return out;
  }

  private static Optional<Path> inside(Path rootfs, String relative) throws IOException {
    Path file = rootfs.resolve(relative);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Path real = file.toRealPath();
    return real.startsWith(rootfs.toRealPath()) && Files.isRegularFile(real)
        ? Optional.of(real)
        : Optional.empty();
  }
}

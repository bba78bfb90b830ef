package dev.shoal.agent.build;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test's own tar reader, independent of {@link TarWriter}: one line per entry, {@code TYPE MODE
 * UID GID NAME MTIME[ -> LINK]}, plus the owner names when there are any, applying pax {@code path}
 * and {@code linkpath} records.
 */
final class Tar {
  private Tar() {}

  static List<String> list(byte[] tar) {
    List<String> out = new ArrayList<>();
    String paxPath = null;
    String paxLink = null;
    int at = 0;
    while (at + 512 <= tar.length && tar[at] != 0) {
      String name = text(tar, at, 100);
      char type = (char) tar[at + 156];
      long size = Long.parseLong(text(tar, at + 124, 12).trim(), 8);
      int body = at + 512;
      if (type == 'x') {
        String records = new String(tar, body, (int) size, StandardCharsets.UTF_8);
        for (String r : records.split("\n")) {
          String kv = r.substring(r.indexOf(' ') + 1);
          if (kv.startsWith("path=")) {
            paxPath = kv.substring(5);
          } else if (kv.startsWith("linkpath=")) {
            paxLink = kv.substring(9);
          }
        }
      } else {
        String t = type == '5' ? "d" : type == '2' ? "l" : type == '0' ? "-" : String.valueOf(type);
        String link = paxLink != null ? paxLink : text(tar, at + 157, 100);
        out.add(
            t
                + " "
                + Integer.toOctalString(Integer.parseInt(text(tar, at + 100, 8).trim(), 8))
                + " "
                + Long.parseLong(text(tar, at + 108, 8).trim(), 8)
                + " "
                + Long.parseLong(text(tar, at + 116, 8).trim(), 8)
                + " "
                + (paxPath != null ? paxPath : name)
                + " "
                + Long.parseLong(text(tar, at + 136, 12).trim(), 8)
                + (type == '2' ? " -> " + link : "")
                + owners(tar, at));
        paxPath = null;
        paxLink = null;
      }
      at = body + (int) ((size + 511) / 512 * 512);
    }
    return out;
  }

  /** {@code " uname=… gname=…"} when the header names an owner; empty when it does not. */
  private static String owners(byte[] tar, int at) {
    String u = text(tar, at + 265, 32);
    String g = text(tar, at + 297, 32);
    return u.isEmpty() && g.isEmpty() ? "" : " uname=" + u + " gname=" + g;
  }

  private static String text(byte[] b, int at, int len) {
    int end = at;
    while (end < at + len && b[end] != 0) {
      end++;
    }
    return new String(b, at, end - at, StandardCharsets.UTF_8);
  }
}

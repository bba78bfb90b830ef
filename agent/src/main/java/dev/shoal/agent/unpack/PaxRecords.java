package dev.shoal.agent.unpack;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The records of a PAX extended header (POSIX.1-2001 "pax Extended Header"). */
final class PaxRecords {
  private PaxRecords() {}

  /**
   * Parses {@code "<length> <key>=<value>\n"} records, the length counting the whole record.
   *
   * @param entry names the entry in errors
   */
  static Map<String, String> parse(byte[] meta, String entry) throws BadEntryException {
    Map<String, String> records = new HashMap<>();
    int pos = 0;
    while (pos < meta.length) {
      int space = pos;
      while (space < meta.length && space - pos < 10 && meta[space] != ' ') {
        space++;
      }
      int length;
      try {
        length = Integer.parseInt(new String(meta, pos, space - pos, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new BadEntryException(entry, "malformed PAX record length");
      }
      if (length <= 0 || length > meta.length - pos) {
        throw new BadEntryException(entry, "malformed PAX record (length " + length + ")");
      }
      int end = pos + length;
      if (space >= end - 1 || meta[end - 1] != '\n') {
        throw new BadEntryException(entry, "malformed PAX record");
      }
      String record = new String(meta, space + 1, end - space - 2, StandardCharsets.UTF_8);
      int eq = record.indexOf('=');
      if (eq <= 0) {
        throw new BadEntryException(entry, "malformed PAX record (no key=value)");
      }
      records.put(record.substring(0, eq), record.substring(eq + 1));
      pos = end;
    }
    return records;
  }

  /** A non-negative decimal PAX value ({@code size}, {@code uid}, {@code gid}, {@code mtime}). */
  static long number(String key, String value, String entry) throws BadEntryException {
    try {
      long n = Long.parseLong(value.strip());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadEntryException(
          entry, "PAX " + key + " " + LayerRejectedException.quote(value) + " is not a number");
    }
  }
}

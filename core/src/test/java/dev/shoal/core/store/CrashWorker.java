package dev.shoal.core.store;

import dev.shoal.core.digest.Digest;
import dev.shoal.core.testing.Blobs;
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The process {@link StoreCrashTest} kills: writes whole blobs, writes pieces of partial blobs
 * (some with a piece table, some without), completes some, deletes some, forever.
 *
 * <p>Before touching a blob it appends {@code seed size} to {@code <dir>/expected} and forces it,
 * so the test can recompute the bytes any blob must have.
 */
public final class CrashWorker {
  static final int PIECE = 64 * 1024;
  private static final String TYPE = "application/octet-stream";

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long round = Long.parseLong(args[1]);
    Random rnd = new Random(round);
    try (FileOutputStream expected = new FileOutputStream(dir.resolve("expected").toFile(), true);
        ContentStore store =
            ContentStore.open(StoreConfig.defaults(dir.resolve("store")), Clock.systemUTC())) {
      System.out.println("ready");
      System.out.flush();
      List<Digest> held = new ArrayList<>();
      for (long op = 0; ; op++) {
        long seed = round * 1_000_000 + op;
        int size = 1 + rnd.nextInt(rnd.nextBoolean() ? 8 * 1024 : 3 * 1024 * 1024);
        byte[] bytes = Blobs.random(seed, size);
        Digest d = Digest.sha256Of(bytes);
        int action = rnd.nextInt(10);
        if (action < 2 && !held.isEmpty()) {
          store.delete(held.remove(rnd.nextInt(held.size())));
          continue;
        }
        expected.write((seed + " " + size + "\n").getBytes(StandardCharsets.US_ASCII));
        expected.getFD().sync();
        if (action < 6) {
          store.put(d, new ByteArrayInputStream(bytes), size, TYPE);
          held.add(d);
        } else {
          PartialBlob p =
              store.partial(d, size, PIECE, rnd.nextBoolean() ? table(bytes) : List.of(), TYPE);
          boolean finish = rnd.nextBoolean();
          for (int i = 0; i < p.pieceCount(); i++) {
            if (finish || rnd.nextInt(3) > 0) {
              int off = i * PIECE;
              p.writePiece(i, ByteBuffer.wrap(bytes, off, Math.min(PIECE, size - off)).slice());
            }
          }
          if (finish) {
            p.complete();
            held.add(d);
          }
        }
      }
    }
  }

  static List<byte[]> table(byte[] bytes) {
    List<byte[]> out = new ArrayList<>();
    for (int off = 0; off < bytes.length; off += PIECE) {
      out.add(
          Digest.sha256Of(Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + PIECE)))
              .bytes());
    }
    return out;
  }

  private CrashWorker() {}
}

package dev.shoal.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** What the throughput runs ({@link MirrorThroughput}, {@link RegistryThroughput}) share. */
final class Throughput {
  private Throughput() {}

  /** One request of a client's loop; it throws when the answer is wrong. */
  @FunctionalInterface
  interface Request {
    void send() throws Exception;
  }

  /**
   * {@code threads} clients send {@code request} over and over until {@code seconds} have passed
   * since the call; returns once all are done, with the nanoseconds that took. The first failure of
   * any client is thrown.
   */
  static long repeat(int threads, int seconds, Request request) throws Exception {
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(seconds).toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        fs.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() < end) {
                    request.send();
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return System.nanoTime() - start;
  }

  /** The median; of an even count, the mean of the middle two. */
  static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }
}

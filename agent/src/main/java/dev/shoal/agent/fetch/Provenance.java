package dev.shoal.agent.fetch;

/** Where a fetch's bytes came from, named as {@code peer HOST:PORT} or {@code upstream NAME}. */
interface Provenance {
  /** {@code bytes} arrived from {@code source} and were kept. */
  void fetched(String source, long bytes);

  /** {@code bytes} from {@code source} failed the piece table and were thrown away. */
  void rejected(String source, long bytes);
}

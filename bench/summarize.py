#!/usr/bin/env python3
"""Prints the foundation benchmark summary from a JMH JSON result (and the sha256sum timings).

Usage: summarize.py RESULT.json [SHA256SUM.json]

Every figure is the median of the measurement iterations of one fork, with JMH's mean and 99.9%
error beside it; ratios are taken between medians of the same run. MB is 10^6 bytes.
"""
import json
import statistics
import sys

MIB = 1 << 20


def load(path):
    with open(path) as f:
        return json.load(f)


def index(results):
    """Maps (short benchmark name, frozen params) to its result."""
    out = {}
    for r in results:
        name = r["benchmark"].rsplit(".", 2)
        short = name[-2] + "." + name[-1]
        params = tuple(sorted((r.get("params") or {}).items()))
        out[(short, params)] = r
    return out


def stats(r):
    m = r["primaryMetric"]
    raw = [x for fork in m["rawData"] for x in fork]
    return {
        "median": statistics.median(raw),
        "score": m["score"],
        "error": m["scoreError"],
        "unit": m["scoreUnit"],
        "n": len(raw),
    }


def fmt(x):
    if x != x:  # NaN: JMH gives no error for a single iteration
        return "n/a"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def main():
    res = index(load(sys.argv[1]))
    sha = load(sys.argv[2]) if len(sys.argv) > 2 else None
    rows = []

    def get(short, **params):
        key = (short, tuple(sorted((k, str(v)) for k, v in params.items())))
        r = res.get(key)
        if r is None:
            # The file parameter's value differs per run: match on the name alone.
            cands = [v for (s, _), v in res.items() if s == short]
            r = cands[0] if len(cands) == 1 and not params else None
        return stats(r) if r else None

    def row(section, what, s, bytes_per_op=None, ratio=None):
        if s is None:
            rows.append((section, what, "missing", "", "", ""))
            return
        mbs = "" if bytes_per_op is None else fmt(s["median"] * bytes_per_op / 1e6)
        rows.append(
            (
                section,
                what,
                fmt(s["median"]),
                f"{fmt(s['score'])} ± {fmt(s['error'])}",
                mbs,
                ratio or "",
            )
        )

    def ratio(a, b, label):
        if a is None or b is None:
            return ""
        r = a["median"] / b["median"]
        return (f"{r:.2f}x" if r >= 0.1 else f"{r:.2g}x") + " " + label

    # 1. SHA-256
    file_bytes = sha["file_bytes"] if sha else 1 << 30
    hf = get("Sha256FileBenchmark.hashingFile")
    hb = get("Sha256FileBenchmark.heapBufferFile")
    if sha:
        rows.append(
            (
                "sha256",
                "sha256sum, 1 GiB from page cache",
                fmt(1 / sha["median_seconds"]),
                "runs (s): " + " ".join(f"{x:.3f}" for x in sha["seconds"]),
                fmt(file_bytes / sha["median_seconds"] / 1e6),
                "",
            )
        )
    sha_mbs = file_bytes / sha["median_seconds"] / 1e6 if sha else None

    def vs_sha(s):
        if s is None or sha_mbs is None:
            return ""
        return f"{s['median'] * file_bytes / 1e6 / sha_mbs:.2f}x sha256sum"

    row("sha256", "Hashing.file, 1 GiB (direct 1 MiB buffer)", hf, file_bytes, vs_sha(hf))
    row("sha256", "same loop, heap 1 MiB buffer", hb, file_bytes, vs_sha(hb))
    ha = get("DigestFeedBenchmark.heapArray")
    row("sha256", "MessageDigest 1 MiB byte[]", ha, MIB)
    row(
        "sha256",
        "MessageDigest 1 MiB heap ByteBuffer",
        get("DigestFeedBenchmark.heapByteBuffer"),
        MIB,
        ratio(get("DigestFeedBenchmark.heapByteBuffer"), ha, "byte[]"),
    )
    row(
        "sha256",
        "MessageDigest 1 MiB direct ByteBuffer",
        get("DigestFeedBenchmark.directByteBuffer"),
        MIB,
        ratio(get("DigestFeedBenchmark.directByteBuffer"), ha, "byte[]"),
    )
    sf = get("Sha256SmallFileBenchmark.hashingFile")
    sr = get("Sha256SmallFileBenchmark.reusedDirectBuffer")
    row("sha256", "Hashing.file, 4 KiB file", sf, 4096, ratio(sf, sr, "reused buffer"))
    row("sha256", "same loop, buffer reused", sr, 4096)

    # 2. Index
    for m in ("getHit", "getMiss", "putDurable", "putRelaxed"):
        row("index", f"BlobIndex.{m}", get(f"BlobIndexBenchmark.{m}"))
    for m in ("containsHit", "containsMiss"):
        on = get(f"StoreContainsBenchmark.{m}", cacheEntries=100000)
        off = get(f"StoreContainsBenchmark.{m}", cacheEntries=0)
        row("index", f"ContentStore.{m}, cache 100k", on, None, ratio(on, off, "cache off"))
        row("index", f"ContentStore.{m}, cache off", off)

    # 3. Commits
    for size, label in ((4096, "4 KiB"), (64 * MIB, "64 MiB")):
        plain = get("BlobCommitBenchmark.plainWriteForce", size=size)
        for m, what in (
            ("storePut", "ContentStore.put (InputStream)"),
            ("storeWriter1MiB", "BlobWriter, 1 MiB writes"),
        ):
            s = get(f"BlobCommitBenchmark.{m}", size=size)
            row("commit", f"{what}, {label}", s, size, ratio(s, plain, "plain"))
        row("commit", f"Files.write + force, {label}", plain, size)

    header = ("area", "benchmark", "median ops/s", "JMH mean ± 99.9% err", "MB/s", "ratio")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    main()

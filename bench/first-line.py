#!/usr/bin/env python3
"""Times a command from its launch to the first line on its stdout, and to its exit.

    bench/first-line.py EXPECTED TIMEOUT_S STDERR_FILE -- COMMAND [ARGS...]

Prints "FIRST_LINE_S EXIT_S" (seconds, monotonic clock). The clock starts just before the fork, so
this interpreter's own start is not counted. Fails (exit 1) when the first line is not EXPECTED,
the command exits non-zero, or it takes longer than TIMEOUT_S (then it is killed). Used by
bench/run-runtime.sh for `shoal run` and `ctr run`.
"""
import subprocess
import sys
import threading
import time


def main():
    if len(sys.argv) < 6 or sys.argv[4] != "--":
        sys.exit(__doc__)
    expected, timeout, stderr_file, command = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[5:]
    with open(stderr_file, "ab") as err:
        start = time.monotonic()
        p = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        # A hung command must not hang the benchmark: kill it at the deadline.
        killer = threading.Timer(timeout, p.kill)
        killer.start()
        try:
            line = p.stdout.readline()
            first = time.monotonic() - start
            p.stdout.read()  # the rest, so the command never blocks on a full pipe
            code = p.wait()
            done = time.monotonic() - start
        finally:
            killer.cancel()
    if time.monotonic() - start >= timeout:
        sys.exit(f"{command[0]}: killed after {timeout} s")
    if line.decode(errors="replace").rstrip("\n") != expected:
        sys.exit(f"{command[0]}: first line {line!r} (expected: {expected!r}); see {stderr_file}")
    if code != 0:
        sys.exit(f"{command[0]}: exited {code}; see {stderr_file}")
    print(f"{first:.4f} {done:.4f}")


if __name__ == "__main__":
    main()

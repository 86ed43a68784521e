"""Peak memory (RSS) of the command line, each command in a fresh process:

    python benchmarks/speed/bench_memory.py [CORPUS.jsonl] [--runs 3]

- ``newskit demo`` (every installed plugin on the bundled articles; target < 200 MB);
- ``newskit analyze CORPUS -o out.jsonl`` with one process, and with ``--n-process 2``
  (the largest single process: the parent or a worker), which should stay flat however
  long the corpus is, since results are streamed to the file.

The peak is ``ru_maxrss`` of the children of a small wrapper process (Linux: kilobytes).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import DEFAULT_CORPUS  # noqa: E402

WRAPPER = r"""
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
if done.returncode not in (0, 1):
    sys.exit(done.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_mb(argv: list[str]) -> float:
    done = subprocess.run([sys.executable, "-c", WRAPPER, *argv], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr}")
    kb = int(done.stdout.strip().splitlines()[-1])
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="peak RSS of newskit commands")
    parser.add_argument("corpus", nargs="?", help="JSONL corpus (default: the BBC corpus)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    cli = [sys.executable, "-m", "newskit"]
    with tempfile.TemporaryDirectory() as tmp:
        demo = [peak_mb([*cli, "demo", "-o", f"{tmp}/demo.html"]) for _ in range(args.runs)]
        print(f"newskit demo                      {statistics.median(demo):6.1f} MB peak RSS "
              f"(median of {args.runs})  target < 200 MB")
        bare = [peak_mb([sys.executable, "-c", "import newskit"]) for _ in range(args.runs)]
        print(f"python -c 'import newskit'        {statistics.median(bare):6.1f} MB (for scale)")
        corpus = Path(args.corpus) if args.corpus else DEFAULT_CORPUS
        if not corpus.is_file():
            print(f"corpus {corpus} not found: analyze not measured")
            return 0
        for n in (1, 2):
            argv_ = [*cli, "analyze", str(corpus), "-o", f"{tmp}/out.jsonl", "--no-progress", "--n-process", str(n)]
            peak = statistics.median(peak_mb(argv_) for _ in range(args.runs))
            print(f"newskit analyze --n-process {n}        {peak:6.1f} MB peak RSS (largest process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

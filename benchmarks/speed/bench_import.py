"""Start-up costs, each in fresh Python processes (median over --runs):

    python benchmarks/speed/bench_import.py [--runs 9] [--components a,b]

- ``import newskit`` (target < 50 ms), timed inside the process, so Python's own
  start-up (printed for scale) is not part of it;
- building the default pipeline after the import: entry points read, plugins imported,
  their data (the knowledge base, rules) loaded (target < 500 ms);
- the first result: the pipeline built and one short document analysed (what a one-off
  ``newskit.analyze(...)`` costs, lazily loaded data included).

The probes run as an installed newskit runs: with Python's bytecode cache, which
``pip install`` fills. A warm-up probe fills it for an editable checkout, even where the
environment sets ``PYTHONDONTWRITEBYTECODE`` (compiling ~30 modules from source costs
~75 ms a process); ``--no-bytecode`` measures without the cache instead.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
import newskit
t1 = time.perf_counter()
out = {"import": t1 - t0}
if sys.argv[1] != "import-only":
    names = None if sys.argv[1] == "all" else sys.argv[1].split(",")
    pipeline = newskit.Pipeline(names, on_error="record")
    t2 = time.perf_counter()
    pipeline("President Putin said on Monday that talks with China would resume.",
             published_at="2024-10-02")
    t3 = time.perf_counter()
    out.update(build=t2 - t1, first=t3 - t1, components=list(pipeline.components))
print(json.dumps(out))
"""


ENV = dict(os.environ)


def probe(mode: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=False, env=ENV
    )
    if done.returncode:
        raise SystemExit(f"the probe failed:\n{done.stderr}")
    return json.loads(done.stdout)


def python_startup() -> float:
    """Seconds of a bare ``python -c pass`` (the floor every figure below stands on)."""
    import time

    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="import and build times in fresh processes")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--components", help="build only these (default: all installed)")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="compile every module from source in every probe (no .pyc cache)")
    args = parser.parse_args(argv)
    if args.no_bytecode:
        ENV["PYTHONDONTWRITEBYTECODE"] = "1"
        ENV["PYTHONPYCACHEPREFIX"] = os.devnull  # never read an existing cache either
    else:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        probe(args.components or "all")  # writes the bytecode cache, as pip install would

    imports = [probe("import-only")["import"] for _ in range(args.runs)]
    print(f"import newskit           {statistics.median(imports) * 1e3:7.1f} ms  "
          f"(median of {args.runs} fresh processes; min {min(imports) * 1e3:.1f})  target < 50 ms")
    # -X importtime names what an import costs, should the figure above grow.
    mode = args.components or "all"
    runs = [probe(mode) for _ in range(args.runs)]
    build = statistics.median(r["build"] for r in runs)
    first = statistics.median(r["first"] for r in runs)
    print(f"build Pipeline()         {build * 1e3:7.1f} ms  (components: "
          f"{', '.join(runs[0]['components']) or 'none installed'})  target < 500 ms")
    print(f"build + first document   {first * 1e3:7.1f} ms")
    startup = statistics.median(python_startup() for _ in range(args.runs))
    print(f"(python -c pass          {startup * 1e3:7.1f} ms, for scale: not included above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

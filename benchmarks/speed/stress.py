"""Pathological inputs: does every component stay linear in the size of what it reads?

    python benchmarks/speed/stress.py [--scale 1.0] [--runs 1] [--components a,b]
           [--inputs quotes,digits] [--limit-seconds 120]

Each adversarial input is built at two sizes, n and 2n, and given as one document to each
installed component alone and to the whole pipeline (every component that builds). The
table prints the seconds at n and at 2n (median of ``--runs``) and their ratio: about 2
is linear; 4 would be quadratic. A ratio is flagged ``!`` above 3 when t(2n) is long
enough (> 0.05 s) to mean something.

Every run happens in a forked child process that is killed after ``--limit-seconds``, so
a component that hangs is reported as ``killed`` and the benchmark goes on. Errors a
component records (a regex timeout, say) are counted in the last column.

``tests/test_adversarial.py`` feeds the same inputs, small, to every component and checks
that the findings are valid; this file measures time, which tests never assert.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Callable


def _cycle(pieces: str, length: int) -> str:
    """``pieces`` repeated and cut to ``length`` characters."""
    return (pieces * (length // len(pieces) + 1))[:length]


_CAPITALISED = (
    "Putin Moscow Vladimir Xi Jinping Beijing United Nations General Assembly Olaf Scholz "
    "Berlin European Union Commission President Biden Washington Reuters Associated Press "
    "Monday October January Premier League Manchester United Arsenal Chelsea Liverpool "
).split()

#: name → (what it is, builder(n) → text, n for the benchmark, n for the tests)
INPUTS: dict[str, tuple[str, Callable[[int], str], int, int]] = {
    "quotes": ('n quote marks (")', lambda n: '"' * n, 100_000, 2_000),
    "curly-quotes": ("n mixed quote marks “”‘’«»'\"", lambda n: _cycle("“”‘’«»'\"„", n), 100_000, 2_000),
    "no-spaces": (
        "one line of n characters without a space",
        lambda n: _cycle("Abcdefgh.ijk,Lmnop-Qrs_tuv'Wxyz(0123)", n),
        5_000_000,
        50_000,
    ),
    "brackets": (
        "n nested brackets ([{ … }])",
        lambda n: "([{" * (n // 6) + "}])" * (n // 6),
        100_000,
        2_000,
    ),
    "digits": ("n digits", lambda n: _cycle("3141592653589793238462643383279502884197", n), 1_000_000, 20_000),
    "capitalised": (
        "n capitalised words",
        lambda n: " ".join(_CAPITALISED[i % len(_CAPITALISED)] for i in range(n)),
        100_000,
        2_000,
    ),
    "newlines": ("n newlines", lambda n: "\n" * n, 1_000_000, 20_000),
    "cues": (
        'n times "Yes," he said, according to Reuters.',
        lambda n: '"Yes," he said, according to Reuters. ' * n,
        20_000,
        300,
    ),
    "open-quotes": (
        "n unclosed quotations “… said",
        lambda n: "“We will never give up, Putin said on Monday " * n,
        20_000,
        300,
    ),
    "dates": (
        "n date expressions",
        lambda n: "on Monday, 2 October 2024, and last week; in 1999-2001; 12/10/2023 at 09:30 " * n,
        20_000,
        300,
    ),
    "one-sentence": (
        "one sentence of n words",
        lambda n: _cycle("the minister said that the talks about the plan would go on ", n * 6),
        100_000,
        2_000,
    ),
    "control-chars": (
        "n control and combining characters",
        lambda n: _cycle("\x00\x07\x1b\u200b\u200e\u202e\u0301\u0308\ufeff\U0001f600\ud800 ", n),
        200_000,
        4_000,
    ),
}


WARM_UP = (
    'Russian President Vladimir Putin said on Monday, October 2, 2024: "We will meet '
    'in Beijing next week," according to Reuters. '
)


def installed_components() -> list[str]:
    """The names of every component the installed plugins declare."""
    from newskit._plugins import Registry

    return sorted(Registry().components())


def build(components: list[str]):
    """A recording pipeline of these components, or the error that stopped it."""
    import newskit

    try:
        return newskit.Pipeline(components, on_error="record"), None
    except Exception as exc:  # a component that does not build is reported, not fatal
        return None, f"{type(exc).__name__}: {exc}"


def _child(pipeline, text: str, runs: int, conn) -> None:
    import newskit

    document = newskit.Document(text, id="stress")
    times, errors = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        result = pipeline.run(document)
        times.append(time.perf_counter() - started)
        errors = len(result.errors)
        messages = sorted({f"{e.component}: {e.error}" for e in result.errors})
    conn.send((statistics.median(times), errors, messages))
    conn.close()


def measure(pipeline, text: str, runs: int, limit: float) -> tuple[float | None, int, list[str]]:
    """(median seconds or None when killed, errors recorded, which) — in a forked child."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    proc = context.Process(target=_child, args=(pipeline, text, runs, child))
    proc.start()
    child.close()
    if parent.poll(limit):
        seconds, errors, messages = parent.recv()
        proc.join()
        return seconds, errors, messages
    proc.kill()
    proc.join()
    return None, 0, []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every n by this (default 1)")
    parser.add_argument("--runs", type=int, default=1, help="runs per measurement; the median is shown")
    parser.add_argument("--components", help="only these components (default: every installed one)")
    parser.add_argument("--inputs", help=f"only these inputs: {','.join(INPUTS)}")
    parser.add_argument("--limit-seconds", type=float, default=120.0, help="kill a run after this long")
    args = parser.parse_args(argv)

    names = args.components.split(",") if args.components else installed_components()
    inputs = args.inputs.split(",") if args.inputs else list(INPUTS)
    unknown = [i for i in inputs if i not in INPUTS]
    if unknown:
        parser.error(f"unknown input {unknown[0]!r}; choose from {', '.join(INPUTS)}")
    if not names:
        print("no components installed: nothing to measure")
        return 0

    pipelines: list[tuple[str, object]] = []
    for name in names:
        pipeline, error = build([name])
        if error:
            print(f"{name}: does not build, left out: {error}")
        else:
            pipelines.append((name, pipeline))
    if len(pipelines) > 1:
        whole, error = build([n for n, _ in pipelines])
        if whole is not None:
            pipelines.append(("pipeline", whole))
        else:
            print(f"the whole pipeline does not build: {error}")
    # Warm up here, before the children fork: what a component builds lazily on its first
    # document (compiled patterns, indexes) is then inherited, not timed in every child.
    for _, pipeline in pipelines:
        for _, make, _, n_test in INPUTS.values():
            pipeline.run(WARM_UP + make(n_test // 10 or 1))

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; scale {args.scale}, runs {args.runs}")
    header = f"{'component':<10} {'input':<14} {'n':>10} {'t(n) s':>9} {'t(2n) s':>9} {'ratio':>6} {'MB/s':>7}  errors"
    print(header)
    print("-" * len(header))
    worst: list[tuple[float, str]] = []
    killed: list[str] = []
    for key in inputs:
        _, make, n_bench, _ = INPUTS[key]
        n = max(1, int(n_bench * args.scale))
        small, large = make(n), make(2 * n)
        for name, pipeline in pipelines:
            t1, e1, m1 = measure(pipeline, small, args.runs, args.limit_seconds)
            t2, e2, m2 = (None, 0, []) if t1 is None else measure(pipeline, large, args.runs, args.limit_seconds)
            ratio = t2 / t1 if t1 and t2 else None
            flag = "!" if ratio is not None and ratio > 3 and t2 > 0.05 else " "
            mbps = len(large.encode("utf-8", "surrogatepass")) / 1e6 / t2 if t2 else None
            errors = "-" if not (e1 or e2) else f"{e1}/{e2} " + "; ".join(sorted(set(m1) | set(m2)))
            print(
                f"{name:<10} {key:<14} {n:>10,} "
                f"{_fmt(t1, 'killed')} {_fmt(t2, 'killed' if t1 is not None else '-')} "
                f"{(f'{ratio:.2f}' if ratio else '-'):>5}{flag} {(f'{mbps:.1f}' if mbps else '-'):>7}  {errors}",
                flush=True,
            )
            if ratio is not None and t2 > 0.05:  # below that, timer noise decides the ratio
                worst.append((ratio, f"{name} on {key}"))
            if t1 is None or t2 is None:
                killed.append(f"{name} on {key} ({'n' if t1 is None else '2n'})")
    if worst:
        ratio, what = max(worst)
        print(f"\nworst ratio t(2n)/t(n) where t(2n) > 0.05 s: {ratio:.2f} ({what}); 2.0 is linear")
    if killed:
        print(f"killed after {args.limit_seconds:g} s: {', '.join(killed)}")
    return 0


def _fmt(seconds: float | None, missing: str) -> str:
    return f"{seconds:>9.3f}" if seconds is not None else f"{missing:>9}"


if __name__ == "__main__":
    sys.exit(main())

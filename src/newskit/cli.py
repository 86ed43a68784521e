"""The ``newskit`` command line (also ``python -m newskit``).

stdout carries data, stderr diagnostics. Exit codes: 0 every document was analysed
cleanly, 1 some documents failed (their errors are in the output), 2 usage or
configuration error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

_FORMATS = ("json", "jsonl", "html", "table")


class _UsageError(Exception):
    """A problem with the command line itself (exit code 2)."""


def _parser() -> argparse.ArgumentParser:
    from newskit import __version__

    parser = argparse.ArgumentParser(
        prog="newskit",
        description="Who said what, when, about whom and on which themes — offline.",
    )
    parser.add_argument("--version", action="version", version=f"newskit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def pipeline_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", metavar="FILE", help="TOML config (default: ./newskit.toml or [tool.newskit] in ./pyproject.toml)")
        p.add_argument("-s", "--set", dest="overrides", action="append", default=[], metavar="COMPONENT.KEY=VALUE",
                       help="override one setting, e.g. -s dates.day_first=true (repeatable)")
        p.add_argument("--components", metavar="A,B", help="run only these components (default: all installed)")

    a = sub.add_parser("analyze", help="analyse text files, JSONL corpora or stdin")
    a.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt files, .jsonl corpora (one document object per line) or - for stdin")
    a.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    a.add_argument("--format", choices=_FORMATS, help="output format (default: from the -o suffix, else jsonl)")
    a.add_argument("--published", metavar="DATE", help="publication date for documents that have none (ISO 8601)")
    a.add_argument("--n-process", type=int, default=1, metavar="N", help="processes that analyse documents, this one included (default 1)")
    a.add_argument("--batch-size", type=int, default=64, metavar="B", help="documents per batch sent to a worker")
    a.add_argument("--resume", action="store_true",
                   help="continue an interrupted run: line n of -o FILE answers input item n; a torn "
                   "last line is redone, and output written from other inputs is refused")
    a.add_argument("--on-error", choices=("record", "raise"), default="record",
                   help="record: keep going and put errors in the output (default); raise: stop at the first")
    progress = a.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None, help="always show progress on stderr")
    progress.add_argument("--no-progress", dest="progress", action="store_false", help="never show progress")
    pipeline_options(a)
    a.set_defaults(func=_cmd_analyze)

    p = sub.add_parser("plugins", help="list plugins: name, distribution, version, components, hooks, load error")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=_cmd_plugins)

    e = sub.add_parser("explain", help="show the plan: which components run, in which order, and why")
    pipeline_options(e)
    e.set_defaults(func=_cmd_explain)

    r = sub.add_parser("render", help="turn results JSONL into one self-contained HTML page")
    r.add_argument("results", metavar="RESULTS.jsonl")
    r.add_argument("-o", "--output", metavar="FILE.html", help="write here instead of stdout")
    r.add_argument("--title", default="newskit results")
    r.set_defaults(func=_cmd_render)

    d = sub.add_parser("demo", help="run every installed plugin on the bundled sample articles")
    d.add_argument("-o", "--output", metavar="FILE.html", default="newskit-demo.html",
                   help="where to write the HTML view (default: ./newskit-demo.html)")
    pipeline_options(d)
    d.set_defaults(func=_cmd_demo)
    return parser


def _err(message: str) -> None:
    print(f"newskit: {message}", file=sys.stderr)


# -- building the pipeline ---------------------------------------------------------------


def _build_pipeline(args: argparse.Namespace, on_error: str = "record") -> Any:
    from newskit._config import apply_overrides, load_config
    from newskit._pipeline import Pipeline

    config = load_config(args.config)
    config = apply_overrides(config, args.overrides)
    components = None
    if args.components:
        components = [c.strip() for c in args.components.split(",") if c.strip()]
    return Pipeline(components, config=config, on_error=on_error)  # type: ignore[arg-type]


# -- analyze -----------------------------------------------------------------------------


def _output_format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    if args.output:
        suffix = Path(args.output).suffix.lower().lstrip(".")
        if suffix in _FORMATS:
            return suffix
        if suffix == "htm":
            return "html"
    return "jsonl"



def _resume_ids(path: Path) -> list[tuple[str, bool, bool]]:
    """What a results file already holds, line by line: (document id, unreadable input
    line?, had errors?).

    Output is one line per input item, in order, so line *n* answers input item *n*; a
    resumed run skips exactly that many items (ids are checked, not trusted: a corpus may
    repeat an id). A killed run can leave a torn last line (no newline, or not JSON): it is
    cut off and redone. A bad line anywhere else is no torn write, so resuming refuses
    rather than guess.
    """
    done: list[tuple[str, bool, bool]] = []
    if not path.exists():
        return done
    good_end = 0
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            try:
                if not raw.endswith(b"\n"):
                    raise ValueError("no newline at the end")
                data = json.loads(raw)
                doc_id = data["document"]["id"]
                errors = data.get("errors") or []
                unreadable = any(e.get("error") == "InputError" for e in errors)
                if not isinstance(doc_id, str):
                    raise TypeError("the document id is not a string")
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                if fh.read(1):
                    raise _UsageError(
                        f"--resume: {path}:{lineno} is not a newskit result line ({exc}), and "
                        "it is not the last line, so it is not the torn end of a killed run; "
                        "repair or delete that line, or start again without --resume"
                    ) from None
                break
            done.append((doc_id, unreadable, bool(errors)))
            good_end += len(raw)
    if good_end != path.stat().st_size:
        with path.open("r+b") as fh:
            fh.truncate(good_end)
    return done




def _cmd_analyze(args: argparse.Namespace) -> int:
    from newskit._errors import ComponentError
    from newskit._inputs import check_paths, count_documents, input_error_result, read_inputs
    from newskit._model import ErrorRecord
    from newskit._progress import Progress
    from newskit._serialize import (
        encode_line,
        result_from_json,
        result_to_dict,
        result_to_json,
        without_unserialisable,
    )

    fmt = _output_format(args)
    if args.resume and (not args.output or fmt != "jsonl"):
        raise _UsageError("--resume needs -o FILE.jsonl (it appends to that file)")
    if args.n_process < 1 or args.batch_size < 1:
        raise _UsageError("--n-process and --batch-size must be at least 1")
    try:
        check_paths(args.inputs)
    except FileNotFoundError as exc:
        raise _UsageError(str(exc)) from None
    if args.published is not None:
        from newskit._model import _parse_published

        try:  # a bad date is a usage error, before any work
            _parse_published(args.published)
        except Exception as exc:
            raise _UsageError(f"--published: {exc}") from None
    pipeline = _build_pipeline(args, on_error=args.on_error)

    done: list[tuple[str, bool, bool]] = []
    if args.resume:
        done = _resume_ids(Path(args.output))
    is_corpus = any(p.lower().endswith(".jsonl") for p in args.inputs)
    show = args.progress if args.progress is not None else (is_corpus and sys.stderr.isatty())
    total = count_documents(args.inputs) if show else None
    progress = Progress(total, enabled=bool(show))

    out: IO[str]
    if args.output:
        out = open(args.output, "a" if args.resume else "w", encoding="utf-8")
    else:
        out = sys.stdout
    collected: list[Any] = []
    counts = {"documents": 0, "failed": 0, "input_errors": 0, "skipped": 0, "skipped_failed": 0}
    problems: list[str] = []  # the first few bad items, for the summary on stderr
    seen_ids: dict[str, str] = {}
    pending: deque[Any] = deque()
    position = [0]  # input items read so far, across all inputs

    def documents() -> Iterator[Any]:
        for item in read_inputs(args.inputs, args.published):
            index = position[0]
            position[0] += 1
            if index < len(done):
                done_id, unreadable, had_errors = done[index]
                mine = item.where if item.document is None else item.document.stable_id
                if mine != done_id and not (unreadable and item.document is None):
                    raise _UsageError(
                        f"--resume: line {index + 1} of {args.output} is document {done_id!r}, "
                        f"but input item {index + 1} ({item.where}) is {mine!r}: that output "
                        "was written from other inputs or in another order. Resume with the "
                        "same inputs in the same order, or start again without --resume"
                    )
                counts["skipped"] += 1
                counts["skipped_failed"] += had_errors
                if item.document is not None:
                    seen_ids.setdefault(mine, item.where)
                continue
            pending.append(item)
            if item.document is not None:
                yield item.document
        if position[0] < len(done):
            raise _UsageError(
                f"--resume: {args.output} has {len(done)} result lines but the inputs have "
                f"only {position[0]} items; it was written from other inputs"
            )

    def write(line: str) -> None:
        try:
            out.write(line)
        except UnicodeEncodeError:
            # A lone surrogate ("\\ud800" in the input JSON) or a narrow stdout encoding:
            # ASCII JSON escapes every such character and reads back to the same text.
            out.write(json.dumps(json.loads(line), ensure_ascii=True, separators=(",", ":")) + "\n")

    def count(errors: Any, where: str) -> None:
        counts["documents"] += 1
        if errors:
            counts["failed"] += 1
            if len(problems) < 5:
                e = errors[0]
                if e.message.startswith(where):  # input problems say where themselves
                    problems.append(e.message)
                else:
                    problems.append(f"{where}: {e.component or 'input'}: {e.error}: {e.message}")

    def emit_line(packed: Any, where: str, notes: list[Any]) -> None:
        """Write one JSONL line (encoded by ``encode_line``, possibly in a worker)."""
        if notes:  # rare: add the input notes to the already-encoded result
            import attrs

            result = result_from_json(packed[3])
            packed = encode_line(attrs.evolve(result, errors=(*notes, *result.errors)))
        _, words, errors, line = packed
        count(errors, where)
        write(line + "\n")
        out.flush()  # a killed run leaves whole lines behind
        progress.update(words)

    def emit_result(result: Any, where: str) -> None:
        """Keep (json, html) or print (table) one result."""
        count(result.errors, where)
        if fmt == "table":
            from newskit._report import format_table

            table = format_table([result]) + "\n"
            try:
                out.write(table)
            except UnicodeEncodeError:
                out.write(table.encode("ascii", "backslashreplace").decode("ascii"))
        else:
            if fmt == "json":
                try:
                    result_to_json(result)
                except (TypeError, ValueError):
                    result = without_unserialisable(result)
            collected.append(result)
        progress.update(len(result.document.text.split()) if show else 0)

    def input_notes(item: Any, doc_id: str) -> list[Any]:
        notes = []
        if item.error:
            notes.append(ErrorRecord(None, "EncodingError", item.error))
        if doc_id in seen_ids:
            notes.append(
                ErrorRecord(
                    None,
                    "DuplicateId",
                    f"{item.where}: document id {doc_id!r} was already used at {seen_ids[doc_id]}; "
                    "give every document a unique id",
                )
            )
        else:
            seen_ids[doc_id] = item.where
        return notes

    def flush_input_errors() -> None:
        while pending and pending[0].document is None:
            counts["input_errors"] += 1
            item = pending.popleft()
            result = input_error_result(item)
            if encoded:
                emit_line(encode_line(result), item.where, [])
            else:
                emit_result(result, item.where)

    # JSONL is encoded where the result is made: in the workers when there are several,
    # so the parent only writes lines.
    encoded = fmt == "jsonl"
    if encoded and args.n_process > 1:
        from newskit import _parallel

        stream: Iterator[Any] = _parallel.pool_pipe(
            pipeline.config, documents(), args.n_process, args.batch_size,
            encode=encode_line, pipeline=pipeline,
        )
    elif encoded:
        stream = (encode_line(r) for r in pipeline.pipe(documents()))
    else:
        stream = pipeline.pipe(documents(), n_process=args.n_process, batch_size=args.batch_size)

    started = time.perf_counter()
    interrupted = False
    try:
        for produced in stream:
            flush_input_errors()
            item = pending.popleft()
            if encoded:
                emit_line(produced, item.where, input_notes(item, produced[0]))
            else:
                notes = input_notes(item, produced.document.stable_id)
                if notes:
                    import attrs

                    produced = attrs.evolve(produced, errors=(*notes, *produced.errors))
                emit_result(produced, item.where)
        flush_input_errors()
    except KeyboardInterrupt:
        interrupted = True
    except ComponentError as exc:
        progress.close()
        _err(str(exc))
        return EXIT_FAILED
    finally:
        if fmt == "json" and not interrupted:
            data = [result_to_dict(r) for r in collected]
            try:
                out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            except UnicodeEncodeError:
                out.write(json.dumps(data, ensure_ascii=True, indent=2) + "\n")
        elif fmt == "html" and not interrupted:
            from newskit._render import render_html

            out.write(render_html(collected))
        if out is not sys.stdout:
            out.close()
        else:
            out.flush()
    progress.close()
    elapsed = time.perf_counter() - started
    if interrupted:
        where = f" to {args.output}" if args.output else ""
        _err(
            f"interrupted after {counts['documents']} documents (written{where}); "
            "run the same command with --resume to continue"
        )
        return EXIT_INTERRUPTED
    failed = counts["failed"] + counts["skipped_failed"]
    if is_corpus or failed or counts["skipped"]:
        summary = (
            f"{counts['documents']} documents in {elapsed:.1f} s"
            f"; {counts['failed']} with errors ({counts['input_errors']} unreadable input lines)"
        )
        if counts["skipped"]:
            summary += (
                f"; {counts['skipped']} already in {args.output} (skipped by --resume, "
                f"{counts['skipped_failed']} of them with errors)"
            )
        _err(summary)
        for line in problems:
            _err(f"  {line:.300}")
        if counts["failed"] > len(problems):
            _err(f"  … and {counts['failed'] - len(problems)} more")
        if counts["failed"]:
            _err("the 'errors' field of each output line says what went wrong and how to fix it")
    return EXIT_FAILED if failed else EXIT_OK


# -- plugins, explain, render, demo ------------------------------------------------------


def _cmd_plugins(args: argparse.Namespace) -> int:
    from newskit._plugins import Registry

    registry = Registry()
    infos = registry.plugin_infos()
    if args.json:
        import attrs

        print(json.dumps([attrs.asdict(i) for i in infos], indent=2))
        return EXIT_OK
    rows = [("plugin", "distribution", "version", "components", "hooks", "status")]
    for i in infos:
        rows.append(
            (
                i.name,
                i.distribution or "-",
                i.version or "-",
                ",".join(i.components) or "-",
                ",".join(h.removeprefix("newskit_") for h in i.hooks) or "-",
                "ERROR: " + i.error if i.error else "ok",
            )
        )
    print(_columns(rows))
    if not infos:
        _err("no plugins found in the 'newskit' entry-point group")
    return EXIT_OK


def _columns(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]) - 1)]
    lines = []
    for r in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(r, widths)) + "  " + r[-1])
    return "\n".join(line.rstrip() for line in lines)


def _cmd_explain(args: argparse.Namespace) -> int:
    pipeline = _build_pipeline(args)
    rows = [("#", "component", "plugin", "provides", "requires", "uses")]
    for n, spec in enumerate(pipeline.plan, 1):
        rows.append(
            (
                str(n),
                spec.name,
                pipeline._owner[spec.name],
                ",".join(spec.provides) or "-",
                ",".join(spec.requires) or "-",
                ",".join(spec.uses) or "-",
            )
        )
    print(_columns(rows))
    for info in pipeline.registry.plugin_infos():
        if info.error:
            _err(f"plugin {info.name!r} did not load: {info.error}")
    return EXIT_OK


def _cmd_render(args: argparse.Namespace) -> int:
    from newskit._render import render_html
    from newskit._serialize import read_jsonl

    if not os.path.isfile(args.results):
        raise _UsageError(f"results file {args.results!r} does not exist")
    results = list(read_jsonl(args.results))
    page = render_html(results, title=args.title)
    if args.output:
        Path(args.output).write_text(page, encoding="utf-8")
        _err(f"wrote {len(results)} documents to {args.output}")
    else:
        sys.stdout.write(page)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from newskit._demo import run_demo

    return run_demo(_build_pipeline(args), Path(args.output))


# -- entry point -------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    from newskit._errors import NewskitError

    parser = _parser()
    try:
        _add_plugin_commands(parser)
    except Exception as exc:  # a plugin's commands must not break the tool
        _err(f"a plugin failed to add its commands: {exc}")
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except _UsageError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except NewskitError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except BrokenPipeError:  # `newskit analyze … | head`
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED


def _add_plugin_commands(parser: argparse.ArgumentParser) -> None:
    # Only plugins that implement newskit_add_commands are asked; loading them is the
    # entry-point scan, which the plain commands need anyway (it is read once per process).
    from newskit._plugins import Registry, entry_points

    if not entry_points():
        return
    registry = Registry()
    if not registry.pm.hook.newskit_add_commands.get_hookimpls():
        return
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    registry.pm.hook.newskit_add_commands(subparsers=sub)


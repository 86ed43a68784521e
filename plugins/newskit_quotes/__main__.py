"""Show what the ``quotes`` component finds: ``python -m newskit_quotes < article.txt``."""

import sys

import newskit

SAMPLE = (
    'The minister said that talks would resume. "We are ready," she told reporters, '
    '"and we will not wait." According to officials, the deal is close.'
)

if __name__ == "__main__":
    text = sys.stdin.read() if not sys.stdin.isatty() else SAMPLE
    for f in newskit.Pipeline(components=["quotes"])(text).of_kind("quote"):
        print(f"{f.label:8} {f.attributes['speaker']!s:24} {f.text!r}")

"""A small progress line on stderr for corpus runs: documents, words/s and ETA."""

from __future__ import annotations

import sys
import time
from typing import IO


class Progress:
    """Redraws one line at most ``per_second`` times a second; silent when disabled."""

    def __init__(self, total: int | None, enabled: bool, stream: IO[str] | None = None,
                 per_second: float = 4.0) -> None:
        self.total = total
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.docs = 0
        self.words = 0
        self.started = time.perf_counter()
        self._last = 0.0
        self._interval = 1.0 / per_second

    def update(self, words: int) -> None:
        self.docs += 1
        self.words += words
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self._last >= self._interval:
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        rate = self.words / elapsed
        line = f"{self.docs:,}"
        if self.total:
            pct = 100.0 * self.docs / self.total
            left = (self.total - self.docs) * elapsed / max(self.docs, 1)
            line += f"/{self.total:,} documents ({pct:4.1f}%)  ETA {_clock(left)}"
        else:
            line += " documents"
        line += f"  {rate:,.0f} words/s"
        self.stream.write("\r" + line + " " * 4)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()

    @property
    def words_per_second(self) -> float:
        return self.words / max(time.perf_counter() - self.started, 1e-9)


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"

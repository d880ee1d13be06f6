"""How long-running library functions report progress, without knowing who listens.

The library calls ``start``/``advance``/``finish``; the CLI passes a reporter that draws
a progress bar, tests and scripts pass nothing and get ``SILENT``.
"""

from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    def start(self, label: str, total: int | None, unit: str = "files") -> None: ...

    def advance(self, amount: int = 1) -> None: ...

    def finish(self) -> None: ...


class _Silent:
    def start(self, label: str, total: int | None, unit: str = "files") -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


SILENT: Reporter = _Silent()

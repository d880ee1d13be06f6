"""What the demo found: one line per stage (counts, seconds), then every file it wrote."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

console = Console()


@dataclass
class Stage:
    number: int
    title: str
    seconds: float = 0.0
    found: list[str] = field(default_factory=list)
    brief: str = ""  # the line of the closing table; the first found line by default
    ok: bool = True


@dataclass
class Summary:
    stages: list[Stage] = field(default_factory=list)
    outputs: list[tuple[str, Path]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @contextmanager
    def stage(self, title: str) -> Iterator[Stage]:
        """Time one stage; what it found is added to the stage it yields."""
        current = Stage(len(self.stages) + 1, title)
        self.stages.append(current)
        console.rule(f"[bold]{current.number}. {title}")
        started = time.monotonic()
        try:
            yield current
        finally:
            current.seconds = time.monotonic() - started
            for line in current.found:
                console.print(f"   {line}")

    def wrote(self, what: str, path: Path) -> None:
        self.outputs.append((what, path))

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.stages)

    def print(self, total: float) -> None:
        table = Table("", "stage", "found", "s", title="dalil demo: the main job, end to end")
        for s in self.stages:
            mark = "[green]✔[/]" if s.ok else "[red]✘[/]"
            brief = s.brief or (s.found[0] if s.found else "")
            table.add_row(mark, s.title, brief, f"{s.seconds:,.1f}")
        console.print()
        console.print(table)
        console.print("[bold]reports and packages written[/]")
        for what, path in self.outputs:
            console.print(f"  {what}: {path.resolve()}", soft_wrap=True)
        for note in self.notes:
            console.print(f"[yellow]note:[/] {note}")
        verdict = "[green]every stage passed[/]" if self.ok else "[red]a stage FAILED[/]"
        console.print(f"{verdict}; done in {total:,.0f} s")

"""One HTML document for every report dalil writes: its frame, its style, its provenance.

A report is handed to a lawyer, attached to a filing, opened on an air-gapped machine
years later. So each page is whole in itself (no script, font, image or style sheet from
anywhere else, a Content-Security-Policy that forbids them), and each says at its foot
where it came from: which archive, the custody log's size and root when it was made
(the state of the evidence it describes, which ``dalil log proof`` and ``dalil verify``
re-check), the latest signed checkpoint and its witnesses, the tool and the command.

Text from the archive is escaped, and set apart with ``<bdi>`` (``dir="auto"`` cells) so
that an Arabic name beside a number reads the right way round; tables scroll sideways on
a narrow screen instead of squeezing their columns.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape
from pathlib import Path

from dalil import __version__
from dalil.clock import utc_now

CSP = "default-src 'none'; style-src 'unsafe-inline'"

STYLE = (
    "body{font-family:sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222;"
    "line-height:1.4}"
    "h2{border-top:2px solid #ddd;padding-top:1rem}"
    ".table{overflow-x:auto;margin:1rem 0}"
    "table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:start;vertical-align:top}"
    "th{background:#f2f2f2}"
    "td.n,th.n{text-align:end;white-space:nowrap;font-variant-numeric:tabular-nums}"
    "code{font-size:.9em}"
    ".note{color:#555;font-size:.9rem}"
    "footer{border-top:2px solid #ddd;margin-top:2rem;padding-top:.5rem;color:#444;"
    "font-size:.85rem}"
)


@dataclass(frozen=True)
class Provenance:
    """Where a report came from: the evidence's state and the tool that read it."""

    tool: str  # "dalil 0.1.0"
    made_at: str  # ISO 8601 UTC
    made_by: str  # the command or function that wrote the report
    archive: str | None = None  # the archive's log origin (its identity)
    log_size: int = 0  # events in the custody log when the report was made
    log_root: str = ""  # the log's Merkle root then, hex
    checkpoint_size: int | None = None  # the latest signed checkpoint
    checkpoint_at: str | None = None
    witnesses: int = 0  # valid cosignatures on that checkpoint
    source: str | None = None  # what was read instead of an archive (a file, its SHA-256)

    def lines(self) -> list[str]:
        """The provenance in sentences (the footer's, without markup)."""
        if self.archive is None:
            return [
                f"Made by {self.tool} ({self.made_by}) at {self.made_at}, from "
                f"{self.source or 'data given on the command line'}: not from an archive, "
                "so no custody log stands behind it."
            ]
        if self.checkpoint_size is None:
            signed = "no checkpoint had been signed yet"
        else:
            cosigned = f"cosigned by {self.witnesses} witness{'es' if self.witnesses != 1 else ''}"
            signed = (
                f"the latest signed checkpoint covered {self.checkpoint_size:,} events "
                f"({self.checkpoint_at}; {cosigned if self.witnesses else 'not cosigned'})"
            )
        return [
            f"Made by {self.tool} ({self.made_by}) at {self.made_at}, from archive {self.archive}.",
            f"Its custody log then held {self.log_size:,} events, Merkle root "
            f"{self.log_root}; {signed}.",
            "What this page states comes from those events: `dalil verify` re-checks the "
            "archive against them, `dalil log proof` proves any one of them.",
        ]


def of_file(path: Path, made_by: str) -> Provenance:
    """The provenance of a report made from a file, not from an archive."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Provenance(
        f"dalil {__version__}",
        utc_now(),
        made_by,
        source=f"the file {path.name} (SHA-256 {digest})",
    )


def bdi(value: object) -> str:
    """Text isolated from its neighbours' direction (an Arabic name, an id, a number) inside
    a sentence. Not for a table cell's whole text: a ``dir="auto"`` cell takes its direction
    from its own text, and the text of a ``<bdi>`` in it does not count."""
    return f"<bdi>{escape(str(value))}</bdi>"


def table(head: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    """A table of cells already in HTML (escape text with ``bdi`` or ``escape``);
    ``numeric`` columns are right-aligned and never wrapped."""
    numeric = numeric or set()

    def cell(tag: str, i: int, content: str) -> str:
        kind = ' class="n"' if i in numeric else ' dir="auto"'
        return f"<{tag}{kind}>{content}</{tag}>"

    header = "".join(cell("th", i, escape(h)) for i, h in enumerate(head))
    body = "".join(
        "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return (
        f'<div class="table"><table><thead><tr>{header}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def footer(provenance: Provenance) -> str:
    lines = "".join(f"<p>{escape(line)}</p>" for line in provenance.lines())
    return f"<footer><p><b>Provenance</b></p>{lines}</footer>"


def document(
    title: str, body: str, provenance: Provenance, style: str = "", lang: str = "en"
) -> str:
    """The whole page: ``body`` (HTML) framed, styled, and signed off with its provenance."""
    direction = "rtl" if lang == "ar" else "ltr"
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}" dir="{direction}"><head>'
        '<meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}{style}</style></head>"
        f"<body><main>{body}</main>{footer(provenance)}</body></html>\n"
    )

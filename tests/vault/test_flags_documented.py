"""Docs that cannot drift: every flag code the vault raises is listed in docs/flags.md."""

from __future__ import annotations

from pathlib import Path

from dalil.vault.flags import KINDS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "flags.md"


def test_every_flag_code_is_in_the_flags_doc_with_its_severity() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [k.code for k in KINDS.values() if f"| `{k.code}` | {k.severity} |" not in text]
    assert not missing, f"add these flag codes to {DOCS}: {missing}"

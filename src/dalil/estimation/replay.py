"""What an estimation's event does to its row; the result is bound by its SHA-256."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from dalil import canonical
from dalil.estimation.tables import estimation_runs
from dalil.vault.changes import GIVEN, Change, insert
from dalil.vault.custody import Event
from dalil.vault.rules import Capability, TableRule

ESTIMATED = "estimate.recorded"


def _text(value: Any) -> str:
    return canonical.dumps(value).decode("utf-8")


def _estimated(event: Event) -> Iterator[Change]:
    d = event.data
    row = {
        "seq": event.seq,
        "link_run": d["link_run"],
        "link_run_seq": d["link_run_seq"],
        "clusters_sha256": d["clusters_sha256"],
        "by_variables": _text(d["by"]),
        "methods": _text(d["methods"]),
        "settings": _text(d["settings"]),
        "tables_sha256": d["tables_sha256"],
        "result": GIVEN,
        "result_sha256": d["result_sha256"],
        "tool_version": d["tool"].removeprefix("dalil "),
        "operator": d["operator"],
        "recorded_at": event.at,
    }
    yield insert(estimation_runs, row)


def _result_inside(row: Any) -> list[str]:
    if hashlib.sha256(row["result"].encode("utf-8")).hexdigest() != row["result_sha256"]:
        return ["the result was changed after it was logged"]
    return []


ESTIMATION = Capability(
    name="estimation",
    tables=(TableRule(estimation_runs, origin="seq", check=_result_inside),),
    appliers={ESTIMATED: _estimated},
)

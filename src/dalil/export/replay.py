"""What an export's event does to the disclosure register."""

from __future__ import annotations

from collections.abc import Iterator

from dalil.export.tables import disclosures
from dalil.vault.changes import Change, insert
from dalil.vault.custody import Event
from dalil.vault.rules import Capability, TableRule

DISCLOSED = "export.disclosed"


def _disclosed(event: Event) -> Iterator[Change]:
    d = event.data
    row = {
        "seq": event.seq,
        "kind": d["kind"],
        "reference": d["reference"],
        "recipient": d["recipient"],
        "purpose": d["purpose"],
        "profile": d["profile"],
        "items": d["items"],
        "items_sha256": d["items_sha256"],
        "checkpoint_size": d["checkpoint"]["size"],
        "checkpoint_root": d["checkpoint"]["root"],
        "package_sha256": d["package_sha256"],
        "operator": d["operator"],
        "disclosed_at": event.at,
    }
    yield insert(disclosures, row)


EXPORT = Capability(
    name="export",
    tables=(TableRule(disclosures, origin="seq"),),
    appliers={DISCLOSED: _disclosed},
)

"""Every capability of dalil, in the order of the pipeline: what verify is handed.

Each capability exports its tables and its replay rules as one plain value
(``dalil.vault.rules.Capability``); nothing registers itself by being imported. A new
capability is added here, and the structural tests then hold it to the same standard:
every table it owns replayed, or listed as not replayed with the reason.
"""

from __future__ import annotations

from dalil.authenticity.replay import AUTHENTICITY
from dalil.catalogue.replay import CATALOGUE
from dalil.estimation.replay import ESTIMATION
from dalil.export.public.replay import with_public_releases
from dalil.export.replay import EXPORT
from dalil.identification.replay import IDENTIFICATION
from dalil.linkage.replay import LINKAGE
from dalil.people.replay import PEOPLE
from dalil.vault.replay import VAULT
from dalil.vault.rules import Capability, Rules
from dalil.web.replay import WEB

CAPABILITIES: tuple[Capability, ...] = (
    VAULT,
    PEOPLE,
    AUTHENTICITY,
    CATALOGUE,
    IDENTIFICATION,
    LINKAGE,
    ESTIMATION,
    with_public_releases(EXPORT),
    WEB,
)


def rules() -> Rules:
    """The replay rules of every capability, as ``verify`` takes them."""
    return Rules(CAPABILITIES)


__all__ = ["CAPABILITIES", "rules"]

"""BagIt profiles: what a forum requires of a package, as data shipped with dalil.

A profile (bagit-profiles 1.3 JSON) names the bag-info fields a forum requires, and
their allowed values; ``generic`` suits any court, ``icc`` adds what an international
court's submissions carry. A forum of its own is another JSON file: ``--profile FILE``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from dalil.errors import InputError

BUILT_IN = ("generic", "icc")


@dataclass(frozen=True)
class Profile:
    name: str
    data: dict[str, Any]
    text: bytes

    @property
    def identifier(self) -> str:
        return str(self.data["BagIt-Profile-Info"]["BagIt-Profile-Identifier"])

    def required(self) -> list[str]:
        return [tag for tag, rule in self.data.get("Bag-Info", {}).items() if rule.get("required")]

    def check(self, info: dict[str, str]) -> None:
        """Refuse bag-info that lacks a field the profile requires, or holds a bad value."""
        missing = [tag for tag in self.required() if not info.get(tag)]
        if missing:
            raise InputError(
                f"the {self.name} profile requires {', '.join(missing)}: give each with "
                "--field LABEL=VALUE"
            )
        for tag, rule in self.data.get("Bag-Info", {}).items():
            values = rule.get("values")
            if values and tag in info and info[tag] not in values:
                raise InputError(f"{tag} must be one of {', '.join(values)}; got {info[tag]!r}")


def load(name: str) -> Profile:
    """A built-in profile by name, or a profile file by path."""
    if name in BUILT_IN:
        text = resources.files("dalil.export").joinpath(f"profiles/{name}.json").read_bytes()
    else:
        path = Path(name)
        if not path.is_file():
            raise InputError(f"no profile {name!r}: use {' or '.join(BUILT_IN)}, or a JSON file")
        text = path.read_bytes()
    try:
        data = json.loads(text)
        data["BagIt-Profile-Info"]["BagIt-Profile-Identifier"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{name} is not a BagIt profile: {exc}") from exc
    return Profile(name, data, text)

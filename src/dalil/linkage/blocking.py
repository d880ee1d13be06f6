"""Blocking: which pairs of records are compared at all, and a guard on their number.

Comparing every pair of 200,000 records is 2×10^10 comparisons; blocking compares only
records that agree on some key (same given and family name key, ...). On Syrian lists
a few keys are very common (محمد is the given name of one man in ten), and a block of
20,000 Mohammads alone would be 2×10^8 pairs. So each rule's key is kept only where its
block is at most ``max_block`` records (other rules, with more specific keys, still
reach those records), and the total number of candidate pairs is counted before any
pair is scored: over ``max_pairs`` the run is refused with the rule and the key that
blew up, rather than exhausting memory hours later.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dalil.errors import DalilError

# A block of 1,500 records is ~1.1 million pairs: more than that on one key means the
# key does not discriminate (a very common name) and the rule is skipped for that key.
MAX_BLOCK = 1500
# 40 million candidate pairs score in minutes on two cores and a few GB of memory.
MAX_PAIRS = 40_000_000


class BlockingError(DalilError):
    """The blocking rules would produce more candidate pairs than allowed."""


@dataclass(frozen=True)
class Rule:
    name: str
    columns: tuple[str, ...]


# "swapped" blocks on the given and family keys in either order, so it also finds every
# pair that a plain given+family rule would.
DALIL_RULES = (
    Rule("given+father", ("given_key", "father_key")),
    Rule("father+family", ("father_key", "family_key")),
    Rule("given+grandfather+birth", ("given_key", "grandfather_key", "birth_year")),
    Rule("family+birth", ("family_key", "birth_year")),
    Rule("given+mother", ("given_key", "mother_key")),
    Rule("given+death", ("given_key", "death_date")),
    Rule("swapped", ("name_swapped",)),
    Rule("name set", ("name_set",)),
    Rule("family+death", ("family_key", "death_date")),
    Rule("death+governorate+birth", ("death_date", "governorate", "birth_year")),
    Rule("loose given+family+birth", ("given_loose", "family_loose", "birth_year")),
    Rule("national id", ("national_id",)),
    Rule("birth date", ("birth_date",)),
    Rule("place", ("place",)),
)


@dataclass(frozen=True)
class BlockReport:
    rule: str
    pairs: int
    largest_block: int
    largest_key: str | None
    skipped_blocks: int
    skipped_records: int


def block_key(table: pd.DataFrame, rule: Rule) -> pd.Series:
    """The rule's key per record, as text; missing when any column is missing."""
    present = table[list(rule.columns)].notna().all(axis=1)
    key = table[rule.columns[0]].astype("string")
    for column in rule.columns[1:]:
        key = key + "|" + table[column].astype("string")
    return key.where(present)


def add_block_columns(
    table: pd.DataFrame,
    rules: tuple[Rule, ...],
    max_block: int = MAX_BLOCK,
    max_pairs: int = MAX_PAIRS,
) -> list[BlockReport]:
    """Add one ``blk_<i>`` column per rule (None where the block is too large).

    Raises BlockingError when the rules together exceed ``max_pairs`` candidate pairs
    (counted per rule; pairs found by several rules are counted once per rule).
    """
    if "name_swapped" not in table:
        table["name_swapped"] = _swapped_key(table)
    if "name_set" not in table:
        table["name_set"] = _set_key(table)
    reports = []
    total = 0
    for i, rule in enumerate(rules):
        key = block_key(table, rule)
        sizes = key.value_counts(dropna=True)
        too_big = sizes[sizes > max_block]
        key = key.where(~key.isin(too_big.index))
        table[f"blk_{i}"] = key
        kept = sizes[sizes <= max_block]
        pairs = int((kept * (kept - 1) // 2).sum())
        largest = sizes.index[0] if len(sizes) else None
        reports.append(
            BlockReport(
                rule.name,
                pairs,
                int(sizes.iloc[0]) if len(sizes) else 0,
                str(largest) if largest is not None else None,
                len(too_big),
                int(too_big.sum()),
            )
        )
        total += pairs
        if total > max_pairs:
            raise BlockingError(
                f"blocking rule {rule.name!r} brings the candidate pairs to {total:,}, over the "
                f"limit of {max_pairs:,} (its largest block is {reports[-1].largest_block:,} "
                f"records with key {largest!r}); lower the block size limit, drop the rule "
                "or raise the limit with --max-pairs if the machine has the memory"
            )
    return reports


def _swapped_key(table: pd.DataFrame) -> pd.Series:
    """Given and family keys in a fixed order, so "A B" and "B A" share a block."""
    given = table["given_key"].astype("string")
    family = table["family_key"].astype("string")
    low = given.where(given <= family, family)
    high = family.where(given <= family, given)
    return (low + "|" + high).where(given.notna() & family.notna())


def _set_key(table: pd.DataFrame) -> pd.Series:
    """The sorted set of a name's part keys when it has three or more: any order meets."""
    parts = table[["given_key", "father_key", "grandfather_key", "family_key"]]

    def key(row: tuple[object, ...]) -> str | None:
        present = sorted(str(v) for v in row if isinstance(v, str))
        return "|".join(present) if len(present) >= 3 else None

    return pd.Series(
        [key(r) for r in parts.itertuples(index=False)], index=table.index, dtype="string"
    )

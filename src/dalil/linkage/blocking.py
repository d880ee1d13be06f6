"""Blocking: which pairs of records are compared at all, and a guard on their number.

Comparing every pair of 200,000 records is 2×10^10 comparisons; blocking compares only
records that agree on some key (same given and family name key, ...). On Syrian lists
a few keys are very common (محمد is the given name of one man in ten), and a block of
20,000 Mohammads alone would be 2×10^8 pairs. So each rule's key is kept only where its
block is at most ``max_block`` records (other rules, with more specific keys, still
reach those records), and the total number of candidate pairs is counted before any
pair is scored: over ``max_pairs`` the run is refused with the rule and the key that
blew up, rather than exhausting memory hours later.

Names are written in many orders and often with a part missing: "Ismail Rami" and
"إسماعيل رامي الزعبي" are one man whose family name one clerk left out, "Jallad Sameer
Anas" puts the family name first. The ``name pairs`` rule gives each record several
keys (an array column, exploded by Splink): every unordered pair of its first name
part with another part, and of its last part with another, in either script, each
with the governorate. Two records of one person share such a key whenever two of
their parts survive the clerk, in any order; the governorate keeps the blocks of
common pairs (Mohammad and Ahmad) small. The guard applies to each key.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
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
    array: bool = False  # one column holding a list of keys per record
    max_block: int | None = None  # a tighter block limit than the run's, for this rule


# Chosen on the synthetic lists (214,231 records, bench/linkage.py) by the true pairs
# each rule adds per candidate pair it adds: "name pairs" alone finds 96% of true pairs
# in 4.9 million candidates, the others the pairs whose names are too damaged for it
# (dates, the loose keys, the set of parts). given+father and the order-free given+
# family rule ("swapped") added 1.8 million candidates and no true pair once name pairs
# were there; they remain available as rules for lists without a governorate.
# A name pair shared by more than 30 records of one governorate (Mohammad Ahmad of
# Aleppo) identifies nobody: dropping those keys (the records keep their others) saves
# a third of the candidates for 1.2% of the true pairs, most of which other records
# of the same person still join (cluster F1 0.9599, against 0.9607 with 40). The same
# birth date in two governorates is a coincidence far more often than a person (0.5
# million candidates for 590 true pairs).
SWAPPED = Rule("swapped", ("name_swapped",))
GIVEN_FATHER = Rule("given+father", ("given_key", "father_key"))
NAME_PAIR_BLOCK = 30
DALIL_RULES = (
    Rule("name pairs+governorate", ("name_pairs",), array=True, max_block=NAME_PAIR_BLOCK),
    Rule("name set", ("name_set",)),
    Rule("given+death", ("given_key", "death_date")),
    Rule("family+death", ("family_key", "death_date")),
    Rule("death+governorate+birth", ("death_date", "governorate", "birth_year")),
    Rule("loose given+family+birth", ("given_loose", "family_loose", "birth_year")),
    Rule("national id", ("national_id",)),
    Rule("birth date+governorate", ("birth_date", "governorate")),
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
    for column, derive in _DERIVED.items():
        if column not in table and any(column in r.columns for r in rules):
            table[column] = derive(table)
    reports = []
    total = 0
    for i, rule in enumerate(rules):
        limit = min(max_block, rule.max_block or max_block)
        if rule.array:
            column, sizes = _array_blocks(table[rule.columns[0]], limit)
            largest = sizes.index[0] if len(sizes) else None
        else:
            column, sizes, largest = _scalar_blocks(table, rule.columns, limit)
        table[f"blk_{i}"] = column
        too_big = sizes[sizes > limit]
        kept = sizes[sizes <= limit]
        pairs = int((kept * (kept - 1) // 2).sum())
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


def _scalar_blocks(
    table: pd.DataFrame, columns: tuple[str, ...], max_block: int
) -> tuple[pd.Series, pd.Series, str | None]:
    """Each record's block (a number; missing where a column is missing or the block is
    oversized), the block sizes largest first, and the largest block's key as text."""
    codes = np.zeros(len(table), dtype=np.int64)
    missing = np.zeros(len(table), dtype=bool)
    for column in columns:
        code, distinct = pd.factorize(table[column])
        missing |= code < 0
        codes, _ = pd.factorize(codes * (len(distinct) + 1) + code)  # stays small
    codes[missing] = -1
    counts = np.bincount(codes[~missing], minlength=codes.max() + 1 if len(codes) else 0)
    sizes = pd.Series(counts).sort_values(ascending=False, kind="stable")
    sizes = sizes[sizes > 0]
    block = pd.array(np.where(missing, 0, codes), dtype="Int64")
    oversized = counts[np.maximum(codes, 0)] > max_block if len(counts) else missing
    block[missing | oversized] = pd.NA
    largest = None
    if len(sizes):
        row = int(np.flatnonzero(codes == sizes.index[0])[0])
        largest = "|".join(str(table[c].iloc[row]) for c in columns)
    return pd.Series(block, index=table.index), sizes, largest


def _array_blocks(keys: pd.Series, max_block: int) -> tuple[pd.Series, pd.Series]:
    """Each record's keys without those of oversized blocks, and the block sizes."""
    flat = keys.explode().dropna()
    codes, uniques = pd.factorize(flat.to_numpy())
    counts = np.bincount(codes, minlength=len(uniques))
    sizes = pd.Series(counts, index=uniques).sort_values(ascending=False, kind="stable")
    if not (counts > max_block).any():
        return keys.copy(), sizes
    keep = counts[codes] <= max_block
    rows = keys.index.get_indexer(flat.index)[keep]
    values = flat.to_numpy()[keep]
    bounds = np.searchsorted(rows, np.arange(len(keys) + 1))
    kept = [values[a:b].tolist() or None for a, b in itertools.pairwise(bounds)]
    return pd.Series(kept, index=keys.index, dtype=object), sizes


def _swapped_key(table: pd.DataFrame) -> pd.Series:
    """Given and family keys in a fixed order, so "A B" and "B A" share a block."""
    given = table["given_key"].astype("string")
    family = table["family_key"].astype("string")
    low = given.where(given <= family, family)
    high = family.where(given <= family, given)
    return (low + "|" + high).where(given.notna() & family.notna())


_NAME_COLUMNS = ("given_key", "father_key", "grandfather_key", "family_key")


def _parts(table: pd.DataFrame, prefix: str) -> list[list[str]]:
    columns = [f"{prefix}{c}" for c in _NAME_COLUMNS]
    if not all(c in table for c in columns):
        return [[] for _ in range(len(table))]
    rows = table[columns].to_numpy(dtype=object).tolist()
    return [[v for v in row if isinstance(v, str)] for row in rows]


def _set_key(table: pd.DataFrame) -> pd.Series:
    """The sorted set of a name's part keys when it has three or more: any order meets."""
    keys = ["|".join(sorted(p)) if len(p) >= 3 else None for p in _parts(table, "")]
    return pd.Series(keys, index=table.index, dtype="string")


# For a name of n parts: the positions paired by ``_pairs_key`` (first with each other
# part, last with each other part).
_PAIR_POSITIONS = {
    n: tuple(sorted({(0, j) for j in range(1, n)} | {(j, n - 1) for j in range(n - 1)}))
    for n in range(len(_NAME_COLUMNS) + 1)
}


def _pairs_key(table: pd.DataFrame) -> pd.Series:
    """Unordered pairs of the first or last name part with another, both scripts, + place.

    Computed on integer codes of the part keys (one vocabulary for both scripts), so
    that only the distinct keys are ever written out as text.
    """
    columns = [c for prefix in ("", "alt_") for c in (f"{prefix}{n}" for n in _NAME_COLUMNS)]
    columns = [c for c in columns if c in table]
    codes, vocabulary = pd.factorize(
        table[columns].to_numpy(dtype=object).ravel(), sort=True
    )  # sorted: a pair is written in the order of its spelling, as "HMD|MHMD"
    codes = codes.reshape(len(table), len(columns))
    rows, lows, highs = [], [], []
    for start in range(0, len(columns), len(_NAME_COLUMNS)):
        parts = codes[:, start : start + len(_NAME_COLUMNS)]
        present = parts >= 0
        packed = np.take_along_axis(parts, np.argsort(~present, axis=1, kind="stable"), axis=1)
        count = present.sum(axis=1)
        for n, positions in _PAIR_POSITIONS.items():
            chosen = np.flatnonzero(count == n)
            for a, b in positions:
                rows.append(chosen)
                lows.append(np.minimum(packed[chosen, a], packed[chosen, b]))
                highs.append(np.maximum(packed[chosen, a], packed[chosen, b]))
    size = max(len(vocabulary), 1)
    row = np.concatenate(rows or [np.array([], dtype=np.int64)])
    pair = np.concatenate(lows or [row]) * size + np.concatenate(highs or [row])
    order = np.lexsort((pair, row))
    row, pair = row[order], pair[order]
    first = np.ones(len(row), dtype=bool)
    first[1:] = (row[1:] != row[:-1]) | (pair[1:] != pair[:-1])
    row, pair = row[first], pair[first]
    # Records without a governorate meet each other here, and the rest by other rules.
    place, places = pd.factorize(table["governorate"].to_numpy(dtype=object))
    where = np.array([*places, ""], dtype=object)
    place[place < 0] = len(places)  # a missing governorate is written ""
    combined = pair * len(where) + place[row]
    distinct, inverse = np.unique(combined, return_inverse=True)
    text = np.array(
        [
            f"{vocabulary[p // size]}|{vocabulary[p % size]}|{where[g]}"
            for p, g in zip(
                (distinct // len(where)).tolist(), (distinct % len(where)).tolist(), strict=True
            )
        ],
        dtype=object,
    )[inverse]
    bounds = np.searchsorted(row, np.arange(len(table) + 1))
    out = [text[a:b].tolist() or None for a, b in itertools.pairwise(bounds)]
    return pd.Series(out, index=table.index, dtype=object)


_DERIVED = {"name_swapped": _swapped_key, "name_set": _set_key, "name_pairs": _pairs_key}


def compared(table: pd.DataFrame) -> Callable[[int, int], bool]:
    """Whether two records (by ``unique_id``) share a key of ``add_block_columns``.

    Splink compares exactly the pairs that share a key, so this tells a pair scored
    too low to be kept from a pair never compared.
    """
    columns = [c for c in table.columns if c.startswith("blk_")]
    values = [table[c].tolist() for c in columns]
    row = {uid: i for i, uid in enumerate(table["unique_id"].tolist())}
    cache: dict[int, frozenset[tuple[int, object]]] = {}

    def keys(uid: int) -> frozenset[tuple[int, object]]:
        if uid not in cache:
            found: set[tuple[int, object]] = set()
            for rule, column in enumerate(values):
                value = column[row[uid]]
                if isinstance(value, list):
                    found.update((rule, v) for v in value)
                elif value is not None and not pd.isna(value):
                    found.add((rule, value))
            cache[uid] = frozenset(found)
        return cache[uid]

    return lambda a, b: not keys(a).isdisjoint(keys(b))


def candidate_pairs(table: pd.DataFrame) -> pd.DataFrame:
    """Every pair of records that shares a key of ``add_block_columns``, once.

    Columns ``join_key_l`` < ``join_key_r`` (unique ids) and ``match_key`` (0: Splink
    carries it along), the table Splink scores (``register_blocked_pairs_for_predict``).
    One self-join of all the keys in DuckDB: Splink's own blocking joins each rule
    separately and removes the pairs of earlier rules from later ones, which for a rule
    of several keys per record (name pairs) costs more than scoring the pairs.
    """
    import duckdb

    ids, codes = [], []
    offset = 0
    for column in sorted((c for c in table.columns if c.startswith("blk_")), key=_rule_number):
        values = table[column]
        if values.dtype == object and values.map(type).eq(list).any():
            values = values.explode()
        values = values.dropna()
        code, distinct = pd.factorize(values)
        ids.append(table["unique_id"].to_numpy()[table.index.get_indexer(values.index)])
        codes.append(code + offset)  # keys of different rules never meet
        offset += len(distinct)
    keys = pd.DataFrame(
        {
            "unique_id": np.concatenate(ids or [np.array([], dtype=np.int64)]),
            "code": np.concatenate(codes or [np.array([], dtype=np.int64)]),
        }
    )
    connection = duckdb.connect()
    connection.register("block_keys", keys)
    pairs: pd.DataFrame = connection.sql(
        """
        select distinct l.unique_id as join_key_l, r.unique_id as join_key_r,
               0 as match_key
        from block_keys l join block_keys r
          on l.code = r.code and l.unique_id < r.unique_id
        """
    ).df()
    connection.close()
    return pairs


def _rule_number(column: str) -> int:
    return int(column.removeprefix("blk_"))

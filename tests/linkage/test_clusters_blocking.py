"""Clusters honour decisions; blocking skips oversized blocks and counts pairs."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dalil.linkage import blocking, clusters, model


def test_cannot_link_holds_through_a_chain_of_strong_links() -> None:
    links = [(1, 3, 0.99), (3, 2, 0.97)]
    result = clusters.cluster([1, 2, 3], links, 0.9, cannot=[(1, 2)])
    assert result.cluster_of[1] != result.cluster_of[2]
    assert result.cluster_of[3] == result.cluster_of[1]  # the stronger link won
    assert result.refused_links == 1


def test_must_link_joins_records_the_model_kept_apart() -> None:
    result = clusters.cluster([1, 2, 3], [(1, 2, 0.1)], 0.9, must=[(1, 2)])
    assert result.cluster_of[1] == result.cluster_of[2] != result.cluster_of[3]


def test_conflicting_must_link_is_reported_not_applied() -> None:
    result = clusters.cluster([1, 2, 3], [], 0.9, must=[(1, 3), (3, 2)], cannot=[(1, 2)])
    assert result.cluster_of[1] != result.cluster_of[2]
    assert result.conflicts == [(2, 3)]


# No deadline: the first example loads SciPy (connected components), which on a busy
# machine takes longer than Hypothesis allows one example by default.
unhurried = settings(deadline=None)
edges = st.lists(
    st.tuples(st.integers(0, 15), st.integers(0, 15), st.floats(0, 1)), max_size=40
).map(lambda es: [(a, b, p) for a, b, p in es if a != b])


@unhurried
@given(edges, st.permutations(list(range(16))))
def test_clusters_do_not_depend_on_the_order_links_arrive(
    links: list[tuple[int, int, float]], order: list[int]
) -> None:
    ids = list(range(16))
    first = clusters.cluster(ids, links, 0.5)
    shuffled = clusters.cluster(order, list(reversed(links)), 0.5)
    assert first.cluster_of == shuffled.cluster_of


@unhurried
@given(edges, st.lists(st.tuples(st.integers(0, 15), st.integers(0, 15)), max_size=5))
def test_no_cluster_ever_holds_a_cannot_link_pair(
    links: list[tuple[int, int, float]], cannot: list[tuple[int, int]]
) -> None:
    cannot = [(a, b) for a, b in cannot if a != b]
    result = clusters.cluster(range(16), links, 0.3, cannot=cannot)
    for a, b in cannot:
        assert result.cluster_of[a] != result.cluster_of[b]


def _table(given_keys: Sequence[str | None], family_keys: Sequence[str | None]) -> pd.DataFrame:
    n = len(given_keys)
    return pd.DataFrame(
        {
            "given_key": given_keys,
            "family_key": family_keys,
            "father_key": [None] * n,
            "grandfather_key": [None] * n,
        }
    )


def test_oversized_block_is_skipped_and_reported() -> None:
    table = _table(["MHMD"] * 50 + ["KT", "KT"], ["HMD"] * 50 + ["BKR", "BKR"])
    rule = blocking.Rule("given+family", ("given_key", "family_key"))
    [report] = blocking.add_block_columns(table, (rule,), max_block=10)
    assert report.pairs == 1  # only the two KT BKR records
    assert report.skipped_blocks == 1 and report.skipped_records == 50
    assert report.largest_key == "MHMD|HMD"
    assert table["blk_0"].isna().sum() == 50


def test_total_over_budget_is_refused_naming_the_rule() -> None:
    table = _table(["MHMD"] * 200, ["HMD"] * 200)
    rule = blocking.Rule("given+family", ("given_key", "family_key"))
    with pytest.raises(blocking.BlockingError, match="given\\+family"):
        blocking.add_block_columns(table, (rule,), max_block=1000, max_pairs=1000)


def test_missing_keys_never_block_together() -> None:
    table = _table([None] * 10, [None] * 10)
    rule = blocking.Rule("given+family", ("given_key", "family_key"))
    [report] = blocking.add_block_columns(table, (rule,))
    assert report.pairs == 0


def _names(rows: Sequence[tuple[str | None, ...]], governorate: str = "حمص") -> pd.DataFrame:
    columns = ["given_key", "father_key", "grandfather_key", "family_key"]
    table = pd.DataFrame(rows, columns=columns)
    for column in columns:
        table[f"alt_{column}"] = None
    table["governorate"] = governorate
    return table


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("SML", "RM", None, "ZB"), ("SML", None, None, "RM")),  # family left out
        (("SMR", "NS", None, "JLD"), ("JLD", "SMR", None, "NS")),  # family written first
        (("BDL", "KSM", "RDN", "HMD"), ("BDL", "KSM", None, None)),  # two parts only
    ],
)
def test_name_pairs_meet_when_a_part_is_missing_or_moved(
    first: tuple[str | None, ...], second: tuple[str | None, ...]
) -> None:
    table = _names([first, second])
    rule = blocking.Rule("name pairs", ("name_pairs",), array=True)
    [report] = blocking.add_block_columns(table, (rule,))
    assert set(table["blk_0"][0]) & set(table["blk_0"][1])
    assert report.pairs >= 1


def test_name_pairs_use_the_other_script_when_the_first_has_a_typo() -> None:
    table = _names([("KLD", "HMD", None, "KTB"), ("XLD", "HMD", None, "KTB")])
    table.loc[1, ["alt_given_key", "alt_father_key", "alt_family_key"]] = ["KLD", "HMD", "KTB"]
    table.loc[0, "family_key"] = "KTX"  # and a typo in the family name of the first
    rule = blocking.Rule("name pairs", ("name_pairs",), array=True)
    blocking.add_block_columns(table, (rule,))
    assert set(table["blk_0"][0]) & set(table["blk_0"][1])


def test_oversized_name_pair_blocks_are_dropped_key_by_key() -> None:
    table = _names([("MHMD", "HMD", None, "KTB")] * 30 + [("GTH", "HMD", None, "NJR")] * 2)
    rule = blocking.Rule("name pairs", ("name_pairs",), array=True)
    [report] = blocking.add_block_columns(table, (rule,), max_block=10)
    assert report.skipped_blocks >= 1
    assert table["blk_0"][31]  # the rare names keep their keys
    assert all("MHMD" not in k for k in table["blk_0"][0] or [])


@unhurried
@given(edges)
def test_fast_components_agree_with_strongest_first_merging(
    links: list[tuple[int, int, float]],
) -> None:
    # A cannot-link between records that are not there sends the same links through
    # the strongest-first merge, which must then give the same clusters.
    fast = clusters.cluster(range(16), links, 0.5)
    merged = clusters.cluster(range(16), links, 0.5, cannot=[(100, 101)])
    assert fast.cluster_of == merged.cluster_of


def test_a_rules_own_block_limit_is_tighter_than_the_runs() -> None:
    table = _table(["MHMD"] * 30 + ["KT"] * 5, ["HMD"] * 30 + ["BKR"] * 5)
    rule = blocking.Rule("given+family", ("given_key", "family_key"), max_block=20)
    [report] = blocking.add_block_columns(table, (rule,), max_block=1000)
    assert report.skipped_records == 30 and report.pairs == 10  # only the five KT BKR


def test_candidate_pairs_are_the_pairs_sharing_a_key_each_once() -> None:
    table = pd.DataFrame(
        {
            "unique_id": [10, 11, 12, 13, 14],
            "blk_0": [["A|B", "A|C"], ["A|C", "A|B"], None, ["X"], ["A|B"]],
            "blk_1": pd.Series(["k", None, "k", "A|B", None], dtype="string"),
        }
    )
    pairs = blocking.candidate_pairs(table)
    found = sorted(zip(pairs["join_key_l"], pairs["join_key_r"], strict=True))
    # 10-11 share two keys, once; "A|B" of rule 1 is not "A|B" of rule 0 (13 and 14).
    assert found == [(10, 11), (10, 12), (10, 14), (11, 14)]


def test_a_backend_that_cannot_run_is_refused_with_what_it_needs() -> None:
    # without pyspark: install it; with it but no folder in the archive: nowhere to write
    with pytest.raises(model.LinkageError, match="the Spark backend needs"):
        model.database_api("spark")
    with pytest.raises(model.LinkageError, match="unknown linkage backend 'sqlite'"):
        model.database_api("sqlite")

"""The linkage model: Splink comparisons on name keys, dates and places, and scoring.

Every comparison is a ladder of levels (missing / exact key / loose key / similar key /
different), as Splink does it, so each pair's score is a sum of per-comparison match
weights that a reviewer can read: "given name: exact key, +6.1; birth: same year, +2.3;
governorate: different, −3.0". Exact name keys carry a term-frequency adjustment: two
records agreeing on محمد say less than two agreeing on غياث.

The model is trained without labels, as is usual with Splink: u-probabilities from
random pairs, m-probabilities by expectation maximisation on two blocking passes, and
a first prior that two records match from deterministic rules, which the scored pairs
then correct (``prior``). Splink scores the candidate pairs of ``blocking`` (one
self-join of all keys), first for the score alone, then the kept pairs with every
level. DuckDB runs it by default; ``backend="spark"`` runs the same settings on Spark
for lists that outgrow a machine.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dalil.errors import DalilError
from dalil.linkage import blocking, prior
from dalil.linkage.blocking import BlockReport, Rule

# Minimum Jaro-Winkler similarity of two keys to count as "similar": one typing error
# in a 5-letter key scores about 0.88.
JW_SIMILAR = 0.88
# EM stops when no parameter moves more than this, or after this many iterations: the
# match weights settle to two decimals well before Splink's defaults (0.0001, 25), and
# EM is the longest step of a run on a few hundred thousand records.
EM_CONVERGENCE = 0.001
EM_MAX_ITERATIONS = 10
# Pairs whose comparisons weigh less than this (log2 Bayes factor) stay in the
# database: at the prior of a list of 200,000 records such a pair is one person with
# a probability under one in ten million, and on the synthetic lists fewer than one
# true pair in 3,000 scores below it. Clustering reads a compared pair that is absent
# from the result as evidence of two people.
EVIDENCE_FLOOR = -8.0


@dataclass(frozen=True)
class LinkSettings:
    threshold: float = 0.8  # match probability at which two records are one person
    keep_above: float = 0.05  # pairs kept for review and explanation
    max_block: int = blocking.MAX_BLOCK
    max_pairs: int = blocking.MAX_PAIRS
    # Random pairs for the u-probabilities: a million give every level of every
    # comparison thousands of strangers (the same clusters as three million, on the
    # synthetic lists, in a third of the time).
    u_pairs: int = 1_000_000
    recall: float = 0.7  # assumed recall of the deterministic rules for the prior
    seed: int = 1
    backend: str = "duckdb"
    rules: tuple[Rule, ...] = blocking.DALIL_RULES


@dataclass
class Prediction:
    pairs: pd.DataFrame  # unique_id_l, unique_id_r, match_weight, match_probability, ...
    blocks: list[BlockReport]
    levels: dict[str, dict[int, str]] = field(default_factory=dict)  # comparison → γ → label
    comparisons: list[str] = field(default_factory=list)
    # Pairs scored under ``keep_above`` but above the evidence floor: ids and probability.
    weak: pd.DataFrame = field(default_factory=pd.DataFrame)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)  # with its blocking keys
    prior: float = 0.0  # probability that two records drawn at random are one person


class LinkageError(DalilError):
    """The linkage model could not be built or run."""


# Levels for names written in another order or with a part missing: a record without
# the father's name puts the grandfather in the father's place, one without the family
# name puts the grandfather in its place, and family-first order moves every part.
# Each part may therefore meet a neighbouring part of the other record, and each
# neighbour is a level of its own: the given name found in the family name's place is
# a swapped order and rare between strangers, while one man's given name is another's
# father's name all the time (both are drawn from the same few hundred names).
_NEIGHBOURS = {
    "given": ("family", "father"),
    "father": ("grandfather", "given"),
    "grandfather": ("father", "family"),
    "family": ("given", "grandfather"),
}


def _name_comparison(part: str) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    key, loose = f"{part}_key", f"{part}_loose"
    levels: list[Any] = [
        cll.NullLevel(key),
        cll.ExactMatchLevel(key).configure(tf_adjustment_column=key, label_for_charts="exact key"),
    ]
    if part in _NEIGHBOURS:
        # The record's other script (Latin next to Arabic) may carry the name without the
        # typing error of the first, or may be the only spelling the other record shares.
        alt = f"alt_{key}"
        other_script = f"{alt}_l = {key}_r OR {key}_l = {alt}_r OR {alt}_l = {alt}_r"
        levels.append(cll.CustomLevel(other_script, label_for_charts="exact in the other script"))
    levels += [
        cll.ExactMatchLevel(loose).configure(label_for_charts="loose key"),
        cll.JaroWinklerLevel(key, JW_SIMILAR).configure(label_for_charts="similar key"),
    ]
    if part == "given":
        # Both names crossed is a family-first order, which strangers almost never share;
        # one name crossed alone happens to strangers whose family name is a given name.
        swapped = "given_key_l = family_key_r AND family_key_l = given_key_r"
        levels.append(cll.CustomLevel(swapped, label_for_charts="swapped with the family name"))
    for other in _NEIGHBOURS.get(part, ()):
        shifted = f"{key}_l = {other}_key_r OR {other}_key_l = {key}_r"
        levels.append(cll.CustomLevel(shifted, label_for_charts=f"in the {other} name's place"))
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name=part, comparison_description=part)


def comparisons() -> list[Any]:
    """dalil's comparisons for victim lists."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    birth = cl.CustomComparison(
        [
            cll.CustomLevel("birth_year_l IS NULL OR birth_year_r IS NULL").configure(
                is_null_level=True
            ),
            cll.ExactMatchLevel("birth_date").configure(label_for_charts="same date"),
            cll.ExactMatchLevel("birth_year").configure(label_for_charts="same year"),
            cll.AbsoluteDifferenceLevel("birth_year", 1).configure(label_for_charts="±1 year"),
            cll.AbsoluteDifferenceLevel("birth_year", 5).configure(label_for_charts="±5 years"),
            cll.ElseLevel(),
        ],
        output_column_name="birth",
    )
    death = cl.CustomComparison(
        [
            cll.NullLevel("death_date"),
            cll.ExactMatchLevel("death_date").configure(label_for_charts="same date"),
            cll.AbsoluteDateDifferenceLevel(
                "death_date", input_is_string=True, threshold=31, metric="day"
            ).configure(label_for_charts="within a month"),
            cll.AbsoluteDateDifferenceLevel(
                "death_date", input_is_string=True, threshold=366, metric="day"
            ).configure(label_for_charts="within a year"),
            cll.ElseLevel(),
        ],
        output_column_name="death",
    )
    return [
        _name_comparison("given"),
        _name_comparison("father"),
        _name_comparison("grandfather"),
        _name_comparison("family"),
        _name_comparison("mother"),
        birth,
        death,
        cl.ExactMatch("sex"),
        cl.ExactMatch("governorate").configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("place", [0.92, 0.8]),
        cl.ExactMatch("branch"),
        cl.DamerauLevenshteinAtThresholds("national_id", [1, 2]),
    ]


def database_api(backend: str, scratch: Path | None = None) -> Any:
    """Splink's database: DuckDB in memory, or Spark checkpointing under ``scratch``."""
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        return DuckDBAPI(connection=duckdb.connect())
    if backend == "spark":
        try:
            from pyspark.sql import SparkSession  # type: ignore[import-not-found,unused-ignore]
            from splink import SparkAPI
        except ImportError as exc:
            raise LinkageError(
                "the Spark backend needs pyspark; install it (pip install pyspark) "
                "or use the default DuckDB backend"
            ) from exc
        if scratch is None:
            raise LinkageError("the Spark backend needs a scratch folder inside the archive")
        from splink.backends.spark import similarity_jar_location

        # Splink's string similarities (Jaro-Winkler...) are Java functions in its own jar
        builder = SparkSession.builder.config("spark.jars", similarity_jar_location())
        spark = builder.getOrCreate()  # type: ignore[no-untyped-call,unused-ignore]
        # Splink checkpoints intermediate tables; they are kept inside the archive
        spark.sparkContext.setCheckpointDir(str(scratch))
        return SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call,unused-ignore]
    raise LinkageError(f"unknown linkage backend {backend!r}; use duckdb or spark")


def _deterministic_rules() -> list[str]:
    return [
        "l.given_key = r.given_key AND l.father_key = r.father_key "
        "AND l.family_key = r.family_key AND l.birth_year = r.birth_year",
        "l.national_id = r.national_id",
    ]


# Blocking passes for EM, each with fallbacks for lists that lack a column. Each pass
# estimates the comparisons outside its rule, so together they cover all. The first
# choices are narrow: EM needs many true pairs, not millions of strangers; on the
# synthetic lists (214,231 records) family+death and given+father+governorate give
# 0.5 million pairs where family+birth year and given+father gave 4.7 million, for
# the same clusters, in a tenth of the time.
EM_PASSES: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("family_key", "death_date"), ("family_key", "birth_year")),
    (("given_key", "father_key", "governorate"), ("given_key", "father_key")),
)
# A rule is used when each of its columns is filled in on at least this share of records.
EM_COVERAGE = 0.2


def _em_rules(table: pd.DataFrame) -> list[Any]:
    from splink import block_on

    filled = table.notna().mean()
    rules = []
    for choices in EM_PASSES:
        usable = [c for c in choices if all(filled.get(col, 0.0) >= EM_COVERAGE for col in c)]
        if usable:
            rules.append(block_on(*usable[0]))
    return rules


def predict(
    table: pd.DataFrame,
    settings: LinkSettings | None = None,
    comparison_list: list[Any] | None = None,
    scratch: Path | None = None,
) -> Prediction:
    """Train the model on ``table`` (see ``features.frame``) and score candidate pairs.

    Candidate pairs are scored once with the score alone (millions of pairs); the
    prior is then re-estimated (``prior.estimate``) and the pairs kept, a few per
    record, are scored again with every comparison's level and weight for reviewers.
    """
    from splink import Linker, SettingsCreator, block_on

    settings = settings or LinkSettings()
    table = table.copy()
    reports = blocking.add_block_columns(
        table, settings.rules, settings.max_block, settings.max_pairs
    )
    block_rules: list[Any] = [
        block_on(f"blk_{i}", arrays_to_explode=[f"blk_{i}"] if rule.array else None)
        for i, rule in enumerate(settings.rules)
    ]
    creator = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparison_list if comparison_list is not None else comparisons(),
        blocking_rules_to_generate_predictions=block_rules,
        max_iterations=EM_MAX_ITERATIONS,
        em_convergence=EM_CONVERGENCE,
    )
    db_api = database_api(settings.backend, scratch)
    records = db_api.register(table)
    linker = Linker(records, creator, log_level=logging.ERROR)
    _train(linker, settings, _em_rules(table))
    candidates = db_api.register(blocking.candidate_pairs(table))
    linker.table_management.register_blocked_pairs_for_predict(candidates)
    first = float(linker._settings_obj._probability_two_random_records_match)
    scored = linker.inference.predict(threshold_match_weight=prior.logit2(first) + EVIDENCE_FLOOR)
    weights = scored.query_sql("select unique_id_l, unique_id_r, match_weight from {this}")
    weak: pd.DataFrame = weights.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    total = len(table) * (len(table) - 1) / 2
    evidence = weak["match_weight"].to_numpy() - prior.logit2(first)
    estimated = prior.estimate(evidence, total, first)
    cut = prior.logit2(settings.keep_above) - prior.logit2(estimated)  # in evidence
    model = linker.misc.save_model_to_json()
    model.update(
        probability_two_random_records_match=estimated,
        retain_matching_columns=True,  # the only way Splink keeps each level (gamma)
        retain_intermediate_calculation_columns=True,
    )
    explainer = Linker(records, model, log_level=logging.ERROR)
    levels, names = _level_labels(explainer)
    pairs = _explained(explainer, db_api, weak[evidence >= cut], names)
    weak = weak[evidence < cut].reset_index(drop=True)
    weak["match_weight"] = evidence[evidence < cut] + prior.logit2(estimated)
    weak["match_probability"] = prior.probability(weak["match_weight"].to_numpy())
    return Prediction(pairs, reports, levels, names, weak, table, estimated)


def _explained(explainer: Any, db_api: Any, kept: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The kept pairs scored again: ids, score, and each comparison's level and weight."""
    blocked = pd.DataFrame(
        {
            "match_key": "0",
            "join_key_l": kept["unique_id_l"].to_numpy(),
            "join_key_r": kept["unique_id_r"].to_numpy(),
        }
    )
    explainer.table_management.register_blocked_pairs_for_predict(db_api.register(blocked))
    scored = explainer.inference.predict()
    wanted = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    present = {c.unquote().name for c in scored.columns}
    for name in names:
        wanted += [c for c in (f"gamma_{name}", f"mw_{name}", f"mw_tf_adj_{name}") if c in present]
    # The names are Splink's own output columns, checked against its table above.
    query = f"select {', '.join(wanted)} from {{this}}"  # noqa: S608
    explained: pd.DataFrame = scored.query_sql(query).as_pandas_dataframe()
    return explained


def _train(linker: Any, settings: LinkSettings, em_rules: list[Any]) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            linker.training.estimate_probability_two_random_records_match(
                _deterministic_rules(), recall=settings.recall
            )
        except Exception:
            logging.getLogger(__name__).info("no deterministic matches; default prior kept")
        linker.training.estimate_u_using_random_sampling(
            max_pairs=settings.u_pairs, seed=settings.seed
        )
        for rule in em_rules:
            # A failed EM pass (too few pairs in a small list) leaves Splink's settings
            # without the comparisons it had set aside; restore them from a copy.
            saved = copy.deepcopy(linker._settings_obj)
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(rule)
            except Exception as exc:  # Splink raises plain exceptions here
                linker._settings_obj = saved
                logging.getLogger(__name__).info("EM pass %s skipped: %s", rule, exc)


def _level_labels(linker: Any) -> tuple[dict[str, dict[int, str]], list[str]]:
    labels: dict[str, dict[int, str]] = {}
    names = []
    for comparison in linker._settings_obj.comparisons:
        name = comparison.output_column_name
        names.append(name)
        labels[name] = {
            int(level.comparison_vector_value): str(level.label_for_charts)
            for level in comparison.comparison_levels
        }
    return labels, names


def explain(row: pd.Series, prediction: Prediction) -> dict[str, dict[str, str]]:
    """Per comparison: the level reached and its match weight (text, for canonical JSON)."""
    out: dict[str, dict[str, str]] = {}
    for name in prediction.comparisons:
        gamma = row.get(f"gamma_{name}")
        if gamma is None or pd.isna(gamma):
            out[name] = {"level": "not compared", "weight": "+0.00"}
            continue
        weight = float(row.get(f"mw_{name}", 0.0) or 0.0)
        tf = row.get(f"mw_tf_adj_{name}")
        if tf is not None and not pd.isna(tf):
            weight += float(tf)
        out[name] = {
            "level": prediction.levels.get(name, {}).get(int(gamma), str(gamma)),
            "weight": f"{weight:+.2f}",
        }
    return out


def explain_all(pairs: pd.DataFrame, prediction: Prediction) -> list[dict[str, dict[str, str]]]:
    """``explain`` for every scored pair, computed column by column."""
    columns: list[tuple[str, list[str], list[str]]] = []
    for name in prediction.comparisons:
        labels = prediction.levels.get(name, {})
        gamma = pairs.get(f"gamma_{name}")
        if gamma is None:
            continue
        weight = pairs.get(f"mw_{name}", pd.Series(0.0, index=pairs.index)).fillna(0.0)
        tf = pairs.get(f"mw_tf_adj_{name}")
        if tf is not None:
            weight = weight + tf.fillna(0.0)
        level = [
            "not compared" if pd.isna(g) else labels.get(int(g), str(g)) for g in gamma.tolist()
        ]
        columns.append((name, level, [f"{w:+.2f}" for w in weight.tolist()]))
    return [
        {name: {"level": level[i], "weight": weight[i]} for name, level, weight in columns}
        for i in range(len(pairs))
    ]

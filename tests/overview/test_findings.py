"""`dalil findings` lists each image once with all its findings and their checks' error
rates, and takes one image by SHA-256 prefix or path (the full archive, both backends)."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from sqlalchemy import select

from dalil.authenticity.listing import group_by_image, list_findings, rate_text
from dalil.authenticity.tables import authenticity_findings
from dalil.db import schema
from dalil.errors import NotFound
from dalil.vault.archive import Archive

from ..cli import dalil


def _current(full: Archive) -> dict[str, list[int]]:
    f = authenticity_findings
    by_image: dict[str, list[int]] = defaultdict(list)
    with full.read() as conn:
        rows = conn.execute(
            select(f.c.sha256, f.c.seq).where(f.c.superseded_seq.is_(None), f.c.scope == "")
        )
        for row in rows:
            by_image[row.sha256].append(row.seq)
    return {sha: sorted(seqs) for sha, seqs in by_image.items()}


def test_each_image_is_listed_once_with_every_finding_on_it(full: Archive) -> None:
    with full.read() as conn:
        images = group_by_image(list_findings(conn, everything=True))
    expected = _current(full)
    assert [e["sha256"] for e in images] == list(dict.fromkeys(e["sha256"] for e in images))
    assert {e["sha256"]: sorted(x["finding"] for x in e["findings"]) for e in images} == expected
    assert any(len(e["findings"]) > 1 for e in images)


def test_one_image_is_named_by_a_sha256_prefix_or_a_path(full: Archive) -> None:
    sha = next(iter(_current(full)))
    with full.read() as conn:
        path = conn.execute(
            select(schema.originals.c.path).where(schema.originals.c.object_sha256 == sha)
        ).scalar()
        by_sha = list_findings(conn, everything=True, image=sha[:10])
        by_path = list_findings(conn, everything=True, image=str(path))
        with pytest.raises(NotFound, match="did you mean"):
            list_findings(conn, image=str(path) + "x")
        with pytest.raises(NotFound, match="nearest held"):
            list_findings(conn, image="0123456789abcdef")
    assert {x["sha256"] for x in by_sha} == {sha} and by_sha == by_path
    assert sorted(x["finding"] for x in by_sha) == _current(full)[sha]


@pytest.mark.parametrize(
    ("rate", "words"),
    [
        ({"false_positive_rate": "0.0100", "false_positive_rate_upper_95": "0.0300",
          "recall": "0.9000", "recall_lower_95": "0.8000", "caught": 9, "targets": 10},
         "false positives 1.0% (≤3.0% at 95%), recall 90.0% (≥80.0% at 95%), on 9/10 known cases"),
        ({"status": "not measured for this version of dalil"}, "not measured for this version"),
    ],
)  # fmt: skip
def test_an_error_rate_reads_as_words(rate: dict[str, object], words: str) -> None:
    assert rate_text(rate).startswith(words)


def test_the_text_listing_prints_each_image_once_with_error_rates(
    full: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(full.root)
    expected = _current(full)
    code, out, err = dalil(capsys, "findings", "--all", "-a", root)
    assert code == 0, err
    for sha in expected:
        assert sum(sha in line for line in out.splitlines()) == 1
    assert out.count("error rate:") == sum(len(s) for s in expected.values())
    sha = next(iter(expected))
    code, out, _ = dalil(capsys, "findings", "--all", "--image", sha[:12], "--json", "-a", root)
    assert code == 0 and [e["sha256"] for e in json.loads(out)] == [sha]
    code, _, err = dalil(capsys, "findings", "--image", "no/such/path.JPG", "-a", root)
    assert code == 2 and "no/such/path.JPG" in err

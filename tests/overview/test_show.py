"""`dalil show` on the archive in which every capability wrote every kind of row: each kind
of thing shows what the archive's rows hold (looked up here, independently), with its
custody events; a family's contact and withdrawn reports stay hidden; nothing unknown is
shown and nothing is written. SQLite and PostgreSQL (``tests/conftest.py::full``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Connection, select

from dalil import canonical, overview
from dalil.authenticity.tables import authenticity_findings
from dalil.catalogue import store as catalogue_store
from dalil.catalogue.tables import catalogue_cases, catalogue_entries, catalogue_readings
from dalil.db import schema
from dalil.errors import NotFound
from dalil.identification.tables import match_decisions, notification_tasks, pm_faces
from dalil.linkage.tables import link_clusters, link_decisions, list_records, victim_lists
from dalil.overview.case import CaseOverview
from dalil.overview.photo import PhotoOverview
from dalil.overview.record import RecordOverview
from dalil.overview.report import ReportOverview
from dalil.vault import checkpoints, custody, proofs
from dalil.vault.archive import Archive

from ..cli import dalil

PHONE = "+963 933 000 111"  # the kept report's sealed contact (tests/custody/full_archive.py)


def _first_case(conn: Connection) -> tuple[str, list[str]]:
    grouping = catalogue_store.latest_grouping(conn)
    assert grouping is not None
    c = catalogue_cases
    row = conn.execute(
        select(c.c.case_id, c.c.photos).where(c.c.grouping_seq == grouping["seq"]).order_by(c.c.seq)
    ).first()
    assert row is not None
    return str(row.case_id), [sha for sha, _ in canonical.loads(row.photos)]


def _event_seqs(shown: overview.Overview) -> set[int]:
    return {e.seq for e in shown.events}


def test_a_photo_shows_its_paths_facts_findings_readings_case_and_events(full: Archive) -> None:
    with full.read() as conn:
        case_id, photos = _first_case(conn)
        sha = photos[0]
        shown = overview.show(conn, sha[:12])
        o, f, r = schema.originals, authenticity_findings, catalogue_readings
        paths = conn.execute(select(o.c.seq, o.c.path).where(o.c.object_sha256 == sha)).all()
        facts = conn.execute(
            select(schema.image_facts).where(schema.image_facts.c.sha256 == sha)
        ).one()
        findings = conn.execute(
            select(f.c.seq, f.c.superseded_seq, f.c.scope).where(f.c.sha256 == sha)
        ).all()
        readings = conn.execute(select(r.c.seq).where(r.c.sha256 == sha)).scalars().all()
        first = conn.execute(
            select(schema.objects.c.first_seq).where(schema.objects.c.sha256 == sha)
        ).scalar_one()
        entries = (
            conn.execute(
                select(catalogue_entries.c.seq).where(catalogue_entries.c.case_id == case_id)
            )
            .scalars()
            .all()
        )
    assert isinstance(shown, PhotoOverview) and shown.sha256 == sha
    assert [(p["seq"], p["path"]) for p in shown.paths] == sorted(tuple(p) for p in paths)
    assert {b["collection"] for b in shown.batches} == {"caesar"}
    assert shown.facts is not None and shown.facts["make"] == facts.make
    assert shown.facts["serial"] == facts.serial and shown.facts["pdq"] == facts.pdq
    current = {x.seq for x in findings if x.superseded_seq is None and x.scope == ""}
    assert {x["finding"] for x in shown.findings} == current and current
    assert shown.superseded_findings == sum(1 for x in findings if x.superseded_seq is not None)
    assert all(x["error_rate"] for x in shown.findings)
    assert [x["seq"] for x in shown.readings] == sorted(readings)
    assert shown.case is not None and shown.case.case_id == case_id
    assert set(shown.case.entries) == {"alice", "bob"}
    assert [(c["field"], c["value"]) for c in shown.case.confirmations] == [("branch", "251")]
    pairs = {(p.report, p.status) for p in shown.matches.pairs}
    assert ("AM-000001", "confirmed") in pairs
    assert all(p.report != "AM-000002" for p in shown.matches.pairs) and shown.matches.hidden == 1
    seqs = _event_seqs(shown)
    assert {first, facts.seq, *(p.seq for p in paths), *current, *readings, *entries} <= seqs
    assert shown.proof_seq == first


def test_a_path_received_shows_the_photo_it_holds(full: Archive) -> None:
    with full.read() as conn:
        o = schema.originals
        row = conn.execute(
            select(o.c.path, o.c.object_sha256).where(o.c.path.endswith("DSC_0003.JPG"))
        ).first()
        assert row is not None
        shown = overview.show(conn, row.path)
    assert isinstance(shown, PhotoOverview) and shown.sha256 == row.object_sha256


def test_events_are_the_logs_own_events_with_their_numbers(full: Archive) -> None:
    with full.read() as conn:
        shown = overview.show(conn, _first_case(conn)[1][0])
        for event in shown.events:
            logged = custody.get_event(conn, event.seq)
            assert (logged.type, logged.at, logged.data) == (event.type, event.at, event.data)


def test_a_case_shows_its_photos_numbers_each_reviewers_entries_and_matches(full: Archive) -> None:
    with full.read() as conn:
        case_id, photos = _first_case(conn)
        shown = overview.show(conn, case_id)
        first_photo = overview.show(conn, case_id[:10])
        e = catalogue_entries
        entries = conn.execute(
            select(e.c.seq, e.c.reviewer, e.c.kind).where(e.c.case_id == case_id)
        ).all()
        row = conn.execute(
            select(catalogue_cases)
            .where(catalogue_cases.c.case_id == case_id)
            .order_by(catalogue_cases.c.seq.desc())
        ).first()
        faces = (
            conn.execute(select(pm_faces.c.id).where(pm_faces.c.case_id == case_id)).scalars().all()
        )
        decided = (
            conn.execute(select(match_decisions.c.seq).where(match_decisions.c.case_id == case_id))
            .scalars()
            .all()
        )
    assert isinstance(shown, CaseOverview) and shown.case_id == case_id and shown.catalogued
    # A shorter prefix also starts the case's first photo: that photo is shown, its case in it.
    assert isinstance(first_photo, PhotoOverview) and first_photo.sha256 == photos[0]
    assert first_photo.case is not None and first_photo.case.case_id == case_id
    assert [p["sha256"] for p in shown.photos] == photos
    assert row is not None and {n: v["suggestion"] for n, v in shown.numbers.items()} == {
        "detainee": row.detainee,
        "branch": row.branch,
        "report": row.report,
    }
    assert shown.numbers["branch"]["confirmed"] == "251"
    by_reviewer = {
        who: [(x["seq"], x["kind"]) for x in made] for who, made in shown.entries.items()
    }
    expected: dict[str, list[tuple[int, str]]] = {}
    for x in sorted(entries):
        expected.setdefault(x.reviewer, []).append((x.seq, x.kind))
    assert by_reviewer == expected and [k for _, k in by_reviewer["bob"]] == ["entry", "correction"]
    assert [f["face"] for f in shown.faces] == sorted(faces)
    assert set(decided) <= _event_seqs(shown) and shown.proof_seq == row.seq


def test_a_case_known_only_by_its_faces_shows_them_and_no_withdrawn_report(full: Archive) -> None:
    with full.read() as conn:
        shown = overview.show(conn, "case-2")
        faces = (
            conn.execute(select(pm_faces.c.id).where(pm_faces.c.case_id == "case-2"))
            .scalars()
            .all()
        )
    assert isinstance(shown, CaseOverview) and not shown.catalogued and shown.photos == []
    assert [f["face"] for f in shown.faces] == sorted(faces)
    assert [p.report for p in shown.matches.pairs] == ["AM-000001"]  # its override
    assert shown.matches.hidden == 1  # AM-000002: withdrawn


def test_a_report_shows_its_fields_matches_and_tasks_but_never_the_contact(full: Archive) -> None:
    with full.read() as conn:
        shown = overview.show(conn, "am-1")
        case_id = _first_case(conn)[0]
        decided = (
            conn.execute(select(match_decisions.c.seq).where(match_decisions.c.report_id == 1))
            .scalars()
            .all()
        )
        tasks = conn.execute(
            select(notification_tasks.c.id, notification_tasks.c.status)
            .where(notification_tasks.c.report_id == 1)
            .order_by(notification_tasks.c.id)  # PostgreSQL keeps no order without one
        ).all()
    assert isinstance(shown, ReportOverview) and shown.code == "AM-000001"
    assert shown.fields["status"] == "active" and shown.fields["person"] is not None
    assert {p.case_id for p in shown.matches.pairs} == {case_id, "case-2"}
    assert [(t["id"], t["status"]) for t in shown.tasks] == [tuple(t) for t in tasks]
    assert set(decided) <= _event_seqs(shown)
    assert PHONE not in json.dumps(shown.as_json(), ensure_ascii=False)


def test_a_withdrawn_report_is_its_tombstone_and_its_matches_are_only_counted(
    full: Archive,
) -> None:
    with full.read() as conn:
        shown = overview.show(conn, "AM-000002")
        pairs = (
            conn.execute(
                select(match_decisions.c.case_id).where(match_decisions.c.report_id == 2).distinct()
            )
            .scalars()
            .all()
        )
    assert isinstance(shown, ReportOverview)
    assert shown.fields["status"] == "withdrawn" and shown.fields["person"] is None
    assert shown.matches.pairs == [] and shown.matches.hidden >= len(pairs) > 0
    assert "Huda" not in json.dumps(shown.as_json(), ensure_ascii=False)


def test_a_list_record_shows_its_fields_decisions_and_cluster(full: Archive) -> None:
    with full.read() as conn:
        shown = overview.show(conn, "centre:C-1")
        v, r, c, d = victim_lists, list_records, link_clusters, link_decisions
        row = conn.execute(
            select(r.c.id, r.c.fields)
            .join(v, v.c.id == r.c.list_id)
            .where(v.c.name == "centre", v.c.removed_seq.is_(None), r.c.record_id == "C-1")
        ).one()
        run = conn.execute(select(c.c.run_id).order_by(c.c.run_id.desc())).scalars().first()
        cluster = conn.execute(
            select(c.c.cluster).where(c.c.run_id == run, c.c.record == row.id)
        ).scalar_one()
        members = (
            conn.execute(select(c.c.record).where(c.c.run_id == run, c.c.cluster == cluster))
            .scalars()
            .all()
        )
        decided = conn.execute(select(d.c.seq).where(d.c.record_a == "C-1")).scalars().all()
    assert isinstance(shown, RecordOverview) and shown.reference == "centre:C-1"
    assert shown.fields == json.loads(row.fields) and shown.list_["current"]
    assert [x["seq"] for x in shown.decisions] == sorted(decided)
    assert shown.decisions[-1]["decision"] == "same" and shown.decisions[-1]["standing"]
    assert shown.cluster is not None and shown.cluster["size"] == len(members)
    assert "network:N-4" in shown.cluster["members"] and not shown.cluster["stale"]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("deadbeefdeadbeef", "nearest held|did you mean"),
        ("AM-000009", "AM-000001"),
        ("centre:C-99", "C-1"),
        ("2012-05-14/DSC_0099.JPG", "DSC_00"),
        ("DSC_001.JPG", "did you mean drive/2012-05-14/DSC_0001.JPG"),
        ("casee-2", "case-2"),
        ("3fa2", "at least 8 hex digits"),
        ("mistaken:M-1", "removed"),
    ],
)
def test_an_unknown_argument_is_refused_with_a_suggestion_and_writes_nothing(
    full: Archive, capsys: pytest.CaptureFixture[str], text: str, hint: str
) -> None:
    with full.read() as conn:
        before = (custody.count_events(conn), len(checkpoints.all_checkpoints(conn)))
        with pytest.raises(NotFound) as refused:
            overview.show(conn, text)
    assert re.search(hint, str(refused.value))
    code, _, err = dalil(capsys, "show", text, "--proof-out", "proof.json", "-a", str(full.root))
    assert code == 2 and text.strip() in err
    with full.read() as conn:
        assert (custody.count_events(conn), len(checkpoints.all_checkpoints(conn))) == before


def test_the_command_prints_each_kind_and_saves_a_proof_that_checks(
    full: Archive, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = str(full.root)
    with full.read() as conn:
        case_id, photos = _first_case(conn)
        before = custody.count_events(conn)
    bundle = tmp_path / "proof.json"
    code, out, err = dalil(capsys, "show", photos[0][:8], "--proof-out", str(bundle), "-a", root)
    assert code == 0, err
    assert photos[0] in out and "error rate:" in out and f"case {case_id}" in out
    saved = json.loads(bundle.read_text(encoding="utf-8"))
    assert proofs.check_bundle(saved, full.verifier)
    assert dalil(capsys, "log", "check", str(bundle), "-a", root)[0] == 0
    for text in (case_id, "AM-000001", "network:N-2"):
        code, out, err = dalil(capsys, "show", text, "--json", "-a", root)
        assert code == 0, err
        assert json.loads(out)["kind"] in {"case", "report", "record"}
        code, out, err = dalil(capsys, "show", text, "-a", root)
        assert code == 0 and "custody events" in out and PHONE not in out
    with full.read() as conn:
        assert custody.count_events(conn) == before


def test_a_viewer_who_may_not_see_matches_gets_only_their_count(full: Archive) -> None:
    with full.read() as conn:
        case_id = _first_case(conn)[0]
        seen = overview.show(conn, case_id)
        unseen = overview.show(conn, case_id, see_matches=False)
        report = overview.show(conn, "AM-000001", see_matches=False)
        decided = set(conn.execute(select(match_decisions.c.seq)).scalars())
    assert isinstance(seen, CaseOverview) and isinstance(unseen, CaseOverview)
    assert unseen.matches.pairs == [] and seen.matches.pairs
    assert unseen.matches.hidden == len(seen.matches.pairs) + seen.matches.hidden
    assert not decided & _event_seqs(unseen) and not decided & _event_seqs(report)
    assert unseen.entries == seen.entries and unseen.photos == seen.photos

"""Stories on a real archive (SQLite and PostgreSQL): a list imported safely, removed or
replaced by new events, never edited; the earlier state stays in the log and verifies."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dalil.capabilities import rules
from dalil.db import schema
from dalil.errors import InputError, NotFound
from dalil.estimation.source import capture_tables
from dalil.linkage import model, pipeline, store
from dalil.linkage.tables import list_records, list_removals, victim_lists
from dalil.vault import custody
from dalil.vault.archive import Archive
from dalil.vault.verify import verify

from ..cli import dalil

FAST = model.LinkSettings(u_pairs=20_000)
PEOPLE = [
    ("Mohammad", "Ahmad", "Haddad", "male", "1985-03-02", "2013-01-10", "Daraa"),
    ("Yusuf", "Khalil", "Nasser", "male", "1990-07-15", "2013-02-11", "Homs"),
    ("Rami", "Samir", "Aziz", "male", "1979-11-30", "2012-12-01", "Damascus"),
    ("Huda", "Omar", "Saleh", "female", "1988-05-05", "2013-03-03", "Aleppo"),
    ("Khaled", "Hassan", "Zoubi", "male", "1975-01-20", "2012-08-19", "Daraa"),
]
COLUMNS = ["record_id", "given_name", "father_name", "family_name", "sex", "birth_date",
           "death_date", "governorate"]  # fmt: skip


def _write(path: Path, prefix: str, people: Sequence[tuple[str, ...]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i, person in enumerate(people, start=1):
            writer.writerow([f"{prefix}-{i}", *person])
    return path


def _events(archive: Archive) -> int:
    with archive.read() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.events)).scalar_one())


def _verifies(archive: Archive) -> None:
    report = verify(archive, rules(), fast=True, record=False)
    assert report.ok, report.problems


@pytest.fixture
def three(archive: Archive, tmp_path: Path) -> Archive:
    """Three overlapping lists imported and linked."""
    _write(tmp_path / "centre.csv", "C", PEOPLE)
    _write(tmp_path / "network.csv", "N", PEOPLE[::-1])
    _write(tmp_path / "late.csv", "L", PEOPLE[1:4])
    for name in ("centre", "network", "late"):
        pipeline.import_file(archive, tmp_path / f"{name}.csv", name)
    pipeline.link(archive, FAST)
    return archive


def test_a_dropped_column_is_refused_and_nothing_is_written(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "story.csv"
    path.write_text("ID,Name,Sex,Date of death,Province,Remarks\n"
                    "1,Mohammad Haddad,male,2013-01-10,Daraa,seen\n", encoding="utf-8")  # fmt: skip
    before = _events(archive)
    with pytest.raises(InputError, match=r"'Remarks'.*--ignore 'Remarks'"):
        pipeline.import_file(archive, path, "story", {"Name": "full_name"})
    assert _events(archive) == before
    imported, _ = pipeline.import_file(archive, path, "story", {"Name": "full_name"},
                                       ignore=["Remarks"])  # fmt: skip
    with archive.read() as conn:
        [record] = [fields for _, _, fields in store.load_records(conn)]
    assert record == {"record_id": "1", "full_name": "Mohammad Haddad", "sex": "M",
                      "death_date": "2013-01-10", "governorate": "درعا"}  # fmt: skip
    with archive.read() as conn:
        event = custody.get_event(conn, imported.seq).data
    assert event["ignored"] == ["Remarks"]
    assert event["read"] == {"encoding": "utf-8", "delimiter": "comma", "sheet": None}


def test_an_impossible_date_is_refused_naming_its_row_with_every_other_problem(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "dates.csv"
    rows = "".join(f"{i},Name {i},2013-01-{i:02d}\n" for i in range(1, 30))
    path.write_text("record_id,full_name,death_date\n" + rows + "30,Ali,2013-02-30\n"
                    "31,Omar,1013-02-01\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(InputError) as refused:
        pipeline.import_file(archive, path, "dates")
    message = str(refused.value)
    assert "2 problems, nothing imported" in message
    assert "row 31, column death_date: '2013-02-30' is not a date" in message
    assert "row 32, column death_date: '1013-02-01'" in message
    with archive.read() as conn:
        assert store.load_records(conn) == []


def test_a_dry_run_shows_the_mapping_and_writes_nothing(
    archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "arabic.csv"
    text = "الرقم;الاسم;الجنس;تاريخ الوفاة;ملاحظات\n1;محمد أحمد;ذكر;2013-02-30;\n"
    path.write_bytes(text.encode("cp1256"))
    before = _events(archive)
    root = str(archive.root)
    code, out, err = dalil(capsys, "lists", "import", str(path), "--list", "a", "-a", root,
                           "--dry-run", "--ignore", "ملاحظات")  # fmt: skip
    assert code == 2, err
    assert "Windows Arabic (cp1256) (detected), semicolon-separated (detected)" in out
    assert "death_date" in out and "--ignore" in out
    assert "row 2, column death_date ('تاريخ الوفاة')" in err
    code, out, _ = dalil(capsys, "lists", "import", str(path), "--list", "a", "-a", root,
                         "--dry-run", "--json", "--ignore", "ملاحظات")  # fmt: skip
    assert code == 1
    planned = json.loads(out)
    assert planned["encoding"] == "cp1256" and planned["delimiter"] == "semicolon"
    assert [c["field"] for c in planned["columns"]] == ["record_id", "full_name", "sex",
                                                        "death_date", None]  # fmt: skip
    path.write_bytes(text.replace("2013-02-30", "2013-02-28").encode("cp1256"))
    code, out, err = dalil(capsys, "lists", "import", str(path), "--list", "a", "-a", root,
                           "--dry-run", "--ignore", "ملاحظات")  # fmt: skip
    assert code == 0, err
    assert "dry run: nothing written; 1 rows are ready to import" in out
    assert _events(archive) == before


def test_removing_a_list_keeps_its_rows_in_the_log_and_out_of_the_current_view(
    three: Archive,
) -> None:
    with three.read() as conn:
        late = store.find_list(conn, "late")
        decided_before = len(store.decisions(conn))
    with three.write() as conn:
        store.decide(conn, "centre:C-2", "late:L-1", True, "same person")
    seq = pipeline.remove(three, "late", "a draft, imported by mistake")
    _verifies(three)
    with three.read() as conn:
        assert [x.name for x in store.lists(conn)] == ["centre", "network"]
        gone = next(x for x in store.lists(conn, everything=True) if x.name == "late")
        assert (gone.removed_seq, gone.reason, gone.replaced_by) == (
            seq, "a draft, imported by mistake", None)  # fmt: skip
        kept = conn.execute(select(func.count()).where(list_records.c.list_id == late.id))
        assert kept.scalar_one() == 3  # the rows stay, for the log and for verify
        assert {name for _, name, _ in store.load_records(conn)} == {"centre", "network"}
        assert len(store.decisions(conn)) == decided_before  # the decision on L-1 is out
        with pytest.raises(InputError, match="the lists changed"):
            store.latest_run(conn)
    with pytest.raises(InputError, match="the lists changed"):
        capture_tables(three, [])
    pipeline.link(three, FAST)
    [table] = capture_tables(three, []).values()
    assert table.lists == ("centre", "network")
    members = {m["list"] for c in pipeline.cluster_listing(three) for m in c["members"]}
    assert members == {"centre", "network"}
    _verifies(three)


def test_replacing_a_list_keeps_its_name_and_the_decisions_on_unchanged_records(
    three: Archive, tmp_path: Path
) -> None:
    with three.write() as conn:
        store.decide(conn, "centre:C-1", "network:N-5", True, "same father")
        store.decide(conn, "centre:C-2", "network:N-4", False, "different mothers")
    corrected = list(PEOPLE)
    corrected[1] = (*PEOPLE[1][:5], "2013-02-12", PEOPLE[1][6])  # C-2's date of death
    path = _write(tmp_path / "centre-v2.csv", "C", corrected)
    plan = pipeline.plan_import(path)
    imported, _ = pipeline.write_import(three, plan, "centre", replaces="date of death of C-2")
    _verifies(three)
    with three.read() as conn:
        every = [x for x in store.lists(conn, everything=True) if x.name == "centre"]
        old, new = every
        assert (old.current, new.current) == (False, True)
        assert old.replaced_by == new.id and old.removed_seq == imported.seq
        assert [x.name for x in store.lists(conn)] == ["network", "late", "centre"]
        standing = {(d.record_a, d.record_b, d.decision) for d in store.decisions(conn)}
        # the decision on the corrected record goes out with the old list; the other stays
        assert standing == {("C-1", "N-5", "same")}
        records = [f for _, name, f in store.load_records(conn) if name == "centre"]
        assert next(r for r in records if r["record_id"] == "C-2")["death_date"] == "2013-02-12"
        removal = conn.execute(select(list_removals)).one()
        assert removal.reason == "date of death of C-2" and removal.removed_by == "test-operator"
        names = conn.execute(select(victim_lists.c.name).where(victim_lists.c.name == "centre"))
        assert len(names.all()) == 2  # both versions stay
    pipeline.link(three, FAST)
    cluster_of = {
        f"{m['list']}:{m['record_id']}": c["cluster"]
        for c in pipeline.cluster_listing(three)
        for m in c["members"]
    }
    assert cluster_of["centre:C-1"] == cluster_of["network:N-5"]
    [table] = capture_tables(three, []).values()
    assert table.lists == ("network", "late", "centre")
    _verifies(three)


def test_a_removed_name_can_be_imported_again_but_never_twice_at_once(
    three: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "late.csv"
    with pytest.raises(InputError, match=r"already imported.*lists replace late"):
        pipeline.import_file(three, path, "late")
    pipeline.remove(three, "late", "wrong version")
    with pytest.raises(InputError, match="was removed"):
        pipeline.remove(three, "late", "again")
    pipeline.import_file(three, path, "late")
    with three.read() as conn:
        assert [x.name for x in store.lists(conn)] == ["centre", "network", "late"]
    _verifies(three)


@pytest.mark.parametrize(
    ("act", "said"),
    [
        (lambda a, _: pipeline.remove(a, "centr", "typo"), "did you mean centre"),
        (lambda a, p: pipeline.write_import(a, pipeline.plan_import(p), "netwrk", replaces="x"),
         "did you mean network"),
        (lambda a, _: pipeline.remove(a, "centre", "  "), "say why with --reason"),
    ],
)  # fmt: skip
def test_an_unknown_list_is_refused_with_the_closest_names(
    three: Archive, tmp_path: Path, act: Callable[[Archive, Path], object], said: str
) -> None:
    before = _events(three)
    with pytest.raises(InputError, match=said):
        act(three, tmp_path / "late.csv")
    assert _events(three) == before


def test_an_unknown_record_is_refused_with_the_closest_ids(three: Archive) -> None:
    missing = "no record 'C-9' in the list 'centre'"
    with pytest.raises(NotFound, match=missing) as refused, three.write() as conn:
        store.decide(conn, "centre:C-9", "network:N-1", True)
    assert "C-1" in refused.value.suggestions
    with pytest.raises(NotFound, match="did you mean network"), three.write() as conn:
        store.decide(conn, "centre:C-1", "netwrok:N-1", True)


def test_the_commands_remove_replace_and_list(
    three: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(three.root)
    code, out, err = dalil(capsys, "lists", "remove", "late", "--reason", "draft", "-a", root)
    assert code == 0, err
    assert "removed list 'late'" in out
    path = _write(tmp_path / "network-v2.csv", "N", PEOPLE[::-1][:4])
    code, out, err = dalil(capsys, "lists", "replace", "network", str(path), "--reason",
                           "the fifth row was a duplicate", "-a", root)  # fmt: skip
    assert code == 0, err
    assert "replaced list 'network': 4 records" in out
    code, out, _ = dalil(capsys, "lists", "list", "-a", root)
    assert [re.sub(r"#\d+", "#N", line) for line in out.splitlines()] == [
        "centre: 5 records from centre.csv (event #N)",
        "network: 4 records from network-v2.csv (event #N)",
    ]
    code, out, _ = dalil(capsys, "lists", "list", "--all", "--json", "-a", root)
    listed = {(x["list"], x["current"], x["reason"]) for x in json.loads(out)}
    assert listed == {("centre", True, None), ("network", False, "the fifth row was a "
                      "duplicate"), ("late", False, "draft"), ("network", True, None)}  # fmt: skip
    code, _, err = dalil(capsys, "lists", "remove", "lat", "--reason", "x", "-a", root)
    assert code == 2 and "no list 'lat'" in err
    code, _, err = dalil(capsys, "lists", "clusters", "-a", root)
    assert code == 2 and "run `dalil lists link` again" in " ".join(err.split())

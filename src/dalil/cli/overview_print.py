"""How `dalil show` prints each kind of thing: plain lines, a section per part.

Values come from the archive (paths, names typed by people), so nothing is read as
Rich markup; numbers are printed with their units and event numbers as ``#N``, the
form `dalil log proof` takes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dalil.cli.common import out

if TYPE_CHECKING:
    from dalil.overview import Overview
    from dalil.overview.case import CaseOverview
    from dalil.overview.events import CustodyEvent
    from dalil.overview.matches import Matches
    from dalil.overview.photo import PhotoOverview
    from dalil.overview.record import RecordOverview
    from dalil.overview.report import ReportOverview

NUMBERS = ("detainee", "branch", "report")


def line(text: str = "", indent: int = 0) -> None:
    out.print(" " * indent + text, markup=False, highlight=False)


def heading(text: str) -> None:
    out.print(text, markup=False, highlight=False, style="bold")


def show(overview: Overview, events: bool) -> None:
    from dalil.overview.case import CaseOverview
    from dalil.overview.photo import PhotoOverview
    from dalil.overview.report import ReportOverview

    if isinstance(overview, PhotoOverview):
        photo(overview)
    elif isinstance(overview, CaseOverview):
        case(overview)
    elif isinstance(overview, ReportOverview):
        report(overview)
    else:
        record(overview)
    custody(overview.events, events)


def photo(p: PhotoOverview) -> None:
    o = p.object
    heading(f"photo {p.sha256}")
    derived = f", derived from {o['derived_from']} ({o['derivation']})" if o["derived_from"] else ""
    line(
        f"{o['media_type']}, {o['size']:,} bytes, {o['kind']}{derived}; "
        f"first recorded #{o['first_seq']}"
    )
    heading("paths")
    for x in p.paths:
        line(
            f"#{x['seq']} batch {x['batch']} ({x['collection']}): {x['path']}  "
            f"[{x['entry_kind']}, modified {x['mtime'] or '?'}]",
            2,
        )
    for b in p.batches:
        line(
            f"batch {b['batch']} {b['status']}: {b['collection']!r} from {b['custodian']!r}, "
            f"opened {b['opened_at']} (#{b['opened_seq']}) by {b['operator']}",
            2,
        )
    _flags(p.flags)
    _facts(p.facts)
    _findings(p.findings, p.superseded_findings)
    _readings(p.readings)
    for d in p.derived:
        line(f"derived: {d['derivation']} {d['sha256']} ({d['size']:,} bytes, #{d['first_seq']})")
    for f in p.faces:
        line(
            f"face {f['face']} embedded for case {f['case_id']} "
            f"(quality {f['quality']:.2f}, #{f['seq']})"
        )
    if p.case is None:
        line("case: in no case of the current grouping")
    else:
        case(p.case)


def _flags(flags: list[dict[str, Any]]) -> None:
    if not flags:
        return
    heading("flags")
    for f in flags:
        line(f"#{f['seq']} {f['severity']} {f['code']}: {f['reason']}", 2)


def _facts(facts: dict[str, Any] | None) -> None:
    heading("facts")
    if facts is None:
        line("not described (not an image, or `dalil derive` has not run)", 2)
        return
    camera = " ".join(str(facts[k]) for k in ("make", "model") if facts[k]) or "no EXIF camera"
    serial = f" serial {facts['serial']}" if facts["serial"] else ""
    line(
        f"{facts['width']}×{facts['height']} px, {camera}{serial}, "
        f"taken {facts['datetime_original'] or '?'}"
        f"{', software ' + facts['software'] if facts['software'] else ''}  (#{facts['seq']})",
        2,
    )
    line(
        f"quantization tables {facts['qt_signature'] or '-'}; PDQ {facts['pdq'] or '-'} "
        f"(quality {facts['pdq_quality'] if facts['pdq_quality'] is not None else '-'}/100)",
        2,
    )


def _findings(findings: list[dict[str, Any]], superseded: int) -> None:
    from dalil.authenticity.listing import rate_text

    heading(f"authenticity findings ({len(findings)} current, {superseded} superseded)")
    for f in findings:
        score = f" [{f['score']}]" if f["score"] else ""
        line(
            f"#{f['finding']} {f['check']} {f['code']} ({f['verdict']}, {f['severity']}){score}: "
            f"{f['message']}",
            2,
        )
        line(f"error rate: {rate_text(f['error_rate'])}; {f['tool_version']}", 4)


def _readings(readings: list[dict[str, Any]]) -> None:
    heading("catalogue readings")
    if not readings:
        line("not read (`dalil catalogue read`)", 2)
    for r in readings:
        numbers = ", ".join(f"{n} {r[n] or '-'} ({r[n + '_bp'] / 100:.0f}%)" for n in NUMBERS)
        flags = f"; {', '.join(r['flags'])}" if r["flags"] else ""
        line(f"#{r['seq']} {r['reader']}: {numbers}; {r['script'] or 'no'} script{flags}", 2)


def case(c: CaseOverview) -> None:
    heading(f"case {c.case_id}")
    if not c.catalogued:
        line("not in the catalogue's current grouping: known by faces embedded under its id", 2)
    else:
        line(
            f"{c.category}, review {c.review}, {len(c.photos)} photos, taken "
            f"{c.first_taken or '?'} to {c.last_taken or '?'}, session {c.session}",
            2,
        )
        for name, n in c.numbers.items():
            confirmed = f", confirmed {n['confirmed']}" if n["confirmed"] is not None else ""
            sure = "confident" if n["confident"] else "not confident"
            line(
                f"{name}: read {n['suggestion'] or '-'} ({n['confidence_bp'] / 100:.0f}%, {sure})"
                f"{confirmed}",
                2,
            )
        for x in c.photos:
            line(
                f"photo {x['sha256']} taken {x['taken'] or '?'} ({x['joined']}): "
                f"{', '.join(x['paths'])}",
                2,
            )
    for reviewer, entries in c.entries.items():
        for e in entries:
            replaces = f", replacing #{e['replaces']}" if e["replaces"] else ""
            typed = "/".join(str(e["typed"].get(n, "-")) for n in NUMBERS)
            line(f"#{e['seq']} {reviewer} {e['kind']}: typed {typed}{replaces}", 2)
    for x in c.confirmations:
        line(
            f"#{x['seq']} confirmed {x['field']} = {x['value']} by {' and '.join(x['reviewers'])}",
            2,
        )
    for f in c.faces:
        line(
            f"face {f['face']} from photo {f['sha256']} (quality {f['quality']:.2f}, #{f['seq']})",
            2,
        )
    _matches(c.matches)


def _matches(m: Matches) -> None:
    heading("matches")
    if not m.pairs and not m.hidden:
        line("no reviewer has decided on a match yet", 2)
    for p in m.pairs:
        line(f"{p.report} ↔ case {p.case_id}: {p.status}", 2)
        for d in p.decisions:
            line(f"#{d['seq']} {d['at']} {d['reviewer']}: {d['decision']}, {d['reason'] or ''}", 4)
        for o in p.overrides:
            line(f"#{o['seq']} {o['reviewer']} lifted {o['rule']}: {o['reason'] or ''}", 4)
        for t in p.tasks:
            line(f"task {t['task']} for the {t['assigned_role']}: {t['status']}", 4)
    if m.hidden:
        from dalil.overview.progress import plural

        more = "more " if m.pairs else ""
        line(
            f"{plural(m.hidden, more + 'pair')} of reports withdrawn or without consent to "
            "identification: not shown",
            2,
        )


def words(value: Any) -> str:
    """A value from JSON as a person reads it: no braces, quotes or None."""
    if value is None or value == "" or value == [] or value == {}:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        shown = {k: v for k, v in value.items() if v not in (None, "", [], {})}
        return "; ".join(f"{k.replace('_', ' ')}: {words(v)}" for k, v in shown.items()) or "-"
    if isinstance(value, list):
        return ", ".join(words(v) for v in value)
    return str(value)


def report(r: ReportOverview) -> None:
    heading(f"report {r.code}")
    for key, value in r.fields.items():
        if key != "person":
            line(f"{key.replace('_', ' '):18} {words(value)}", 2)
    person = r.fields.get("person")
    heading("the missing person" if person else "the missing person: erased on withdrawal")
    for field, given in (person or {}).items():
        if words(given) != "-":
            line(f"{field.replace('_', ' '):18} {words(given)}", 2)
    _matches(r.matches)
    heading("tasks")
    for t in r.tasks:
        line(words({k: v for k, v in t.items() if k != "report"}), 2)
    if not r.tasks:
        line("none", 2)


def record(r: RecordOverview) -> None:
    heading(f"record {r.reference}")
    lst = r.list_
    state = "current" if lst["current"] else f"removed (#{lst['removed_event']}: {lst['reason']})"
    line(
        f"list {lst['list']!r} from {lst['file']} ({lst['rows']:,} rows, #{lst['event']}), {state}",
        2,
    )
    for key, value in r.fields.items():
        line(f"{key.replace('_', ' '):18} {words(value)}", 2)
    heading("decisions")
    for d in r.decisions:
        stands = "stands" if d["standing"] else "no longer stands"
        note = f": {d['note']}" if d["note"] else ""
        line(
            f"#{d['seq']} {d['at']} {d['by']}: {d['a']} and {d['b']} {d['decision']} "
            f"({stands}){note}",
            2,
        )
    if not r.decisions:
        line("none", 2)
    heading("cluster")
    if r.cluster is None:
        line("not linked yet (`dalil lists link`)", 2)
    else:
        stale = (
            " (a list changed since: run `dalil lists link` again)" if r.cluster["stale"] else ""
        )
        line(
            f"run {r.cluster['run']}, cluster {r.cluster['cluster']} of {r.cluster['size']} "
            f"records{stale}: {', '.join(r.cluster['members'])}",
            2,
        )
    for p in r.pairs:
        line(
            f"with {p['with']}: weight {p['match_weight']:.2f} bits, probability "
            f"{p['match_probability']:.3f}",
            2,
        )


def custody(events: list[CustodyEvent], full: bool) -> None:
    from dalil.overview.events import summary

    heading(f"custody events ({len(events)})")
    for e in events if full else events[-SHOWN:]:
        line(summary(e), 2)
    if not full and len(events) > SHOWN:
        line(f"... {len(events) - SHOWN} earlier; all of them with --events", 2)


SHOWN = 20  # events printed without --events: the latest ones

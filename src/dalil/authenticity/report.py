"""The authenticity report: one HTML file an analyst reads without dalil.

Tables and inline SVG charts only; no script, no external resource, every value
escaped. It states what was analysed and how (run, tool version, settings hash, inputs
hash), how many cameras the collection shows, every finding that needs attention with
its check's measured error rate, and the benchmark those rates come from.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from dalil import report_page
from dalil.authenticity import listing, rates, svg
from dalil.authenticity.finding import CHECKS, VERDICTS
from dalil.authenticity.runs import list_runs
from dalil.authenticity.tables import authenticity_findings as findings
from dalil.authenticity.units import with_unit
from dalil.db import schema
from dalil.errors import InputError
from dalil.vault.archive import Archive
from dalil.vault.provenance import provenance

MAX_ROWS = 5000  # findings listed in full; beyond, the report says how many more
CHECK_NAMES = {
    "cameras": "Camera grouping (EXIF, quantization tables, header layout)",
    "sensors": "Sensor fingerprint (PRNU, PCE)",
    "timeline": "Timeline (EXIF time, file numbers, folder dates, file times)",
    "reencoding": "Re-encoding and edits (double JPEG, thumbnail, software, dimensions)",
    "duplicates": "Near-duplicates (PDQ, crops) linked to their original",
}
STYLE = "table{font-size:13px}.high{color:#a4161a;font-weight:bold}.medium{color:#b5651d}"


def _verdicts_by_check(conn: Connection, scope: str) -> dict[str, dict[str, int]]:
    f = findings
    rows = conn.execute(
        select(f.c.check, f.c.verdict, func.count(func.distinct(f.c.sha256)))
        .where(f.c.superseded_seq.is_(None), f.c.scope == scope)
        .group_by(f.c.check, f.c.verdict)
    )
    result: dict[str, dict[str, int]] = {check: {} for check in CHECKS}
    for check, verdict, count in rows:
        result.setdefault(check, {})[verdict] = int(count)
    return result


def _cameras_over_time(conn: Connection) -> tuple[dict[str, dict[str, int]], list[str]]:
    f = schema.image_facts
    rows = conn.execute(select(f.c.make, f.c.model, f.c.serial, f.c.datetime_original))
    series: dict[str, Counter[str]] = defaultdict(Counter)
    for make, model, serial, taken in rows:
        if not taken or len(taken) < 7:
            continue
        name = " ".join(p for p in (make, model, f"#{serial}" if serial else None) if p)
        series[name or "no EXIF camera"][taken[:7].replace(":", "-")] += 1
    months = sorted({m for s in series.values() for m in s})
    if months:
        months = _all_months(months[0], months[-1])
    return {k: dict(v) for k, v in sorted(series.items())}, months


def _all_months(first: str, last: str) -> list[str]:
    try:
        year, month = int(first[:4]), int(first[5:7])
        end = (int(last[:4]), int(last[5:7]))
    except ValueError:
        return [first, last]
    months: list[str] = []
    while (year, month) <= end and len(months) < 1200:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _table(head: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    return report_page.table(head, rows, numeric)


def _pct(value: str | None) -> str:
    return "–" if value is None else f"{100 * float(value):.1f}%"


def _rate_row(name: str, r: dict[str, Any]) -> list[str]:
    recall = _pct(r.get("recall"))
    if r.get("recall_lower_95") is not None:
        recall += f" (≥{_pct(r['recall_lower_95'])})"
    fpr = _pct(r.get("false_positive_rate"))
    if r.get("false_positive_rate_upper_95") is not None:
        fpr += f" (≤{_pct(r['false_positive_rate_upper_95'])})"
    counts = f"{r.get('caught', '?')} / {r.get('targets', '?')}"
    speed = r.get("images_per_second")
    return [
        escape(name),
        _pct(r.get("precision")),
        recall,
        fpr,
        counts,
        escape(str(speed)) if speed else "–",
    ]


def _rates_section() -> str:
    data = rates.load()
    measured = data.get("measured", {})
    if not data.get("checks"):
        return "<p>No error rates have been measured for this version of dalil.</p>"
    rows = [_rate_row(CHECK_NAMES[c], data["checks"][c]) for c in CHECKS if c in data["checks"]]
    rows += [_rate_row(name, r) for name, r in data.get("single_tests", {}).items()]
    sensors = data["checks"].get("sensors", {})
    count = sensors.get("camera_count", {})
    extra = (
        f"<p>PRNU camera attribution accuracy: {_pct(sensors.get('attribution_accuracy'))}; "
        f"cameras counted by clustering: {escape(str(count.get('found')))} of "
        f"{escape(str(count.get('true')))}.</p>"
    )
    source = (
        f"<p>Measured by <code>{escape(str(measured.get('benchmark')))}</code> on "
        f"{escape(str(measured.get('date')))} (dalil {escape(str(measured.get('dalil')))}, "
        f"{escape(str(measured.get('analyser')))}, settings "
        f"<code>{escape(str(measured.get('parameters_sha256', ''))[:16])}</code>, "
        f"{escape(str(measured.get('machine')))}) on a synthetic collection of "
        f"{escape(str(measured.get('collection', {}).get('images', '?')))} images with known "
        "manipulations. FPR is the share of untouched camera originals flagged; in brackets, "
        "exact 95% bounds from the counts. A synthetic collection is easier than a real one: "
        "read these as what the check can do, not as a guarantee.</p>"
    )
    head = [
        "check / test",
        "precision",
        "recall (95% lower)",
        "FPR on untouched (95% upper)",
        "caught / target",
        "images/s",
    ]
    return source + _table(head, rows) + extra


def _run_section(runs: list[dict[str, Any]]) -> tuple[str, dict[str, Any], str]:
    closed = [
        r for r in runs if r["status"] == "closed" and not (r["summary"] or {}).get("interrupted")
    ]
    if not closed:
        raise InputError("no finished authenticity run; run `dalil analyze authenticity` first")
    run = closed[-1]
    summary = run["summary"] or {}
    rows = [
        ["run", str(run["run"])],
        ["scope", escape(run["scope"] or "the whole archive")],
        ["tool", escape(run["tool_version"])],
        ["settings (SHA-256)", f"<code>{run['parameters_sha256']}</code>"],
        ["inputs (SHA-256 over sorted image hashes)", f"<code>{run['inputs_sha256']}</code>"],
        ["images analysed", f"{run['images']:,}"],
        ["started / finished", f"{escape(run['started_at'])} / {escape(run['finished_at'])}"],
    ]
    return _table(["of the run", "value"], rows), summary, run["scope"]


def _cameras_section(summary: dict[str, Any]) -> str:
    sensors = summary.get("sensors", {})
    rows = [[escape(name), f"{count:,}"] for name, count in sensors.get("fingerprints", {}).items()]
    rows += [
        [escape(name), f"{count:,}"] for name, count in sensors.get("unidentified", {}).items()
    ]
    same = "".join(f"<li>{escape(', '.join(g))}</li>" for g in sensors.get("same_sensor", []))
    text = (
        f"<p><b>{sensors.get('physical_cameras', '?')}</b> physical camera(s) by sensor noise; "
        f"{summary.get('cameras_by_exif', '?')} camera identities in EXIF.</p>"
    )
    if same:
        text += f"<p>EXIF identities sharing one sensor:</p><ul>{same}</ul>"
    if sensors.get("exif_only"):
        names = ", ".join(escape(n) for n in sensors["exif_only"])
        text += (
            f"<p>Cameras known by EXIF only (too few clean images for a fingerprint): {names}</p>"
        )
    return text + _table(["camera (fingerprint or cluster)", "images attributed"], rows, {1})


def _findings_section(conn: Connection, scope: str) -> str:
    items = listing.list_findings(conn, collection=scope or None)
    shown = items[:MAX_ROWS]
    rows = []
    for item in shown:
        rate = item["error_rate"]
        quoted = (
            f"recall {_pct(rate.get('recall'))}, FPR {_pct(rate.get('false_positive_rate'))}"
            if "recall" in rate
            else "not measured"
        )
        where = report_page.bdi(item["paths"][0]) if item["paths"] else ""
        rows.append(
            [
                f"<code>{item['sha256'][:16]}</code><br>{where}",
                escape(item["check"]),
                escape(item["code"]),
                f'<span class="{escape(item["severity"])}">{escape(item["severity"])}</span>',
                escape(with_unit(item["score"], item["code"], item["detail"])),
                escape(item["message"]),
                quoted,
            ]
        )
    more = f"<p>{len(items) - MAX_ROWS:,} more not listed.</p>" if len(items) > MAX_ROWS else ""
    head = ["image", "check", "code", "severity", "score", "finding", "check's error rate"]
    return f"<p>{len(items):,} findings need attention.</p>" + _table(head, rows) + more


def render(archive: Archive, made_by: str = "dalil report authenticity") -> str:
    with archive.read() as conn:
        runs = list_runs(conn)
        run_table, summary, scope = _run_section(runs)
        by_check = _verdicts_by_check(conn, scope)
        series, months = _cameras_over_time(conn)
        findings_html = _findings_section(conn, scope)
    chart = svg.stacked_bars(
        {c: by_check.get(c, {}) for c in CHECKS}, VERDICTS, "Images by check and verdict"
    )
    over_time = svg.timeline(series, months, "Photos per month by camera (EXIF time)")
    counts = _table(
        ["check", *VERDICTS],
        [[escape(c), *(f"{by_check.get(c, {}).get(v, 0):,}" for v in VERDICTS)] for c in CHECKS],
        set(range(1, len(VERDICTS) + 1)),
    )
    body = f"""<h1>Authenticity report</h1>
<p>Archive <code>{escape(archive.origin)}</code>. Every finding below is recorded in the
archive's custody log with the tool version, the settings and the measured error rate of
its check.</p>
<h2>The run</h2>{run_table}
<h2>Cameras</h2>{_cameras_section(summary)}
{over_time}
<h2>Findings by check</h2>{chart}{counts}
<h2>Measured error rates</h2>{_rates_section()}
<h2>Findings that need attention</h2>{findings_html}
"""
    title = f"Authenticity report — {archive.origin}"
    return report_page.document(title, body, provenance(archive, made_by), STYLE)


def write(archive: Archive, path: Path, made_by: str = "dalil report authenticity") -> Path:
    path.write_text(render(archive, made_by), encoding="utf-8")
    return path

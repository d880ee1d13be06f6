"""Identification: families' ante-mortem reports matched against post-mortem cases.

The pure core (no database, no files): ``am_report`` (validation), ``consent``,
``dates``, ``vocabulary``, ``pm_case``, ``comparison``, ``calibration``, ``scoring``,
``review``. The shell: ``reports`` (AM reports in the archive, sealed contacts,
tombstones), ``am_import`` (CSV/XLSX), ``decisions`` (reviewers' decisions and tasks)
and ``faces`` (detection, alignment, embedding, search).
"""

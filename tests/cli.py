"""Running the `dalil` command inside a test, as a custodian would type it."""

from __future__ import annotations

import pytest

from dalil.cli import main


def dalil(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of one command."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err

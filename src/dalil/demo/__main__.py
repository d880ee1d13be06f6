"""``python -m dalil.demo [OUTPUT_DIR] [--photos N]``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from dalil.demo import DEFAULT_PHOTOS, run
from dalil.demo import __doc__ as about


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dalil.demo", description=(about or "").splitlines()[0]
    )
    parser.add_argument("out", nargs="?", default="demo-output", type=Path)
    parser.add_argument("--photos", type=int, default=DEFAULT_PHOTOS)
    args = parser.parse_args(argv)
    return 0 if run(args.out, args.photos) else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Safety limits of ingest, each named with the attack it answers.

They are settings, not constants: a custodian with a legitimately huge archive raises
them on the command line, and tests lower them to build small "bombs".
"""

from __future__ import annotations

from dataclasses import dataclass

GIB = 1 << 30


@dataclass(frozen=True)
class Limits:
    # A zip made of millions of empty entries exhausts the catalogue and the inode table.
    max_archive_entries: int = 250_000
    # A small archive declaring terabytes of content (a "zip bomb") fills the disk.
    max_archive_bytes: int = 256 * GIB
    # Compression beyond this ratio, on entries this large, is a bomb, not a photo.
    max_compression_ratio: int = 1000
    bomb_min_entry_bytes: int = 64 << 20
    # Archives inside archives inside archives: each level multiplies the above.
    max_archive_depth: int = 3
    # Pixels one decode may allocate: a 100-megapixel claim in a 2 KB file is an attack
    # on the process's memory (Pillow's own warning threshold is 89 MP).
    max_image_pixels: int = 64_000_000
    # Disk space ingest always leaves free, so the catalogue can still commit.
    reserve_bytes: int = 1 * GIB


DEFAULT_LIMITS = Limits()

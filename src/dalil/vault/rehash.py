"""Re-hashing stored objects in worker processes, for verify.

Verify checks the custody log (Python work that holds the interpreter lock) while the
store is re-hashed. Hashing threads in the same process queue for that lock at every file
they open and every chunk they hash, and the log check starves them; worker processes
have locks of their own. This module imports only the standard library and the store's
chunk size (the store imports nothing heavier), so that a freshly spawned worker starts
at once.
"""

from __future__ import annotations

import hashlib

from dalil.vault.store import CHUNK

# (SHA-256 hex or None, bytes read, reason it could not be read or None)
Hashed = tuple[str | None, int, str | None]


def hash_file(path: str) -> Hashed:
    """SHA-256 of one file's bytes; an unreadable file gives its reason, not an error."""
    try:
        with open(path, "rb", buffering=0) as handle:
            digest = hashlib.sha256()
            buffer = bytearray(CHUNK)
            view = memoryview(buffer)
            size = 0
            while n := handle.readinto(view):
                digest.update(view[:n])
                size += n
        return digest.hexdigest(), size, None
    except OSError as exc:
        return None, 0, exc.strerror or str(exc)


def hash_listed(objects: list[tuple[str, int, str]]) -> list[tuple[str, int, Hashed]]:
    """Runs in a worker process: a batch of (name, size, path), so that messages stay few;
    each comes back with its hash."""
    return [(name, size, hash_file(path)) for name, size, path in objects]

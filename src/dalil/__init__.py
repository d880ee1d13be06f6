"""dalil: turn a collection of atrocity photographs into evidence a court can trust."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dalil")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]

"""dalil: turn a collection of atrocity photographs into evidence a court can trust."""

# The single source of the version (pyproject reads it from here); a literal, because
# looking it up in the installed metadata costs a tenth of a second at every command.
__version__ = "0.1.0"

__all__ = ["__version__"]

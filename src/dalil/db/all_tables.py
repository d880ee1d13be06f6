"""Import every capability's tables so that ``schema.metadata`` holds the whole catalogue."""

from dalil.db import schema

__all__ = ["schema"]

"""Import every capability's tables so that ``schema.metadata`` holds the whole catalogue."""

from dalil.db import schema
from dalil.linkage import tables as linkage_tables

__all__ = ["linkage_tables", "schema"]

"""Import every capability's tables so that ``schema.metadata`` holds the whole catalogue."""

from dalil.authenticity import tables as authenticity_tables
from dalil.catalogue import tables as catalogue_tables
from dalil.db import schema
from dalil.identification import tables as identification_tables
from dalil.linkage import tables as linkage_tables

__all__ = [
    "authenticity_tables",
    "catalogue_tables",
    "identification_tables",
    "linkage_tables",
    "schema",
]

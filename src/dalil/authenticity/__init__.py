"""Authenticity: collection-wide forensic checks of every image, with measured error rates.

Five checks, each a module of pure functions over facts the vault already holds or
over pixels decoded once per image:

    cameras      group by EXIF identity and JPEG quantization tables / header layout
    sensors      PRNU sensor fingerprints, attribution by PCE, clustering without EXIF
    timeline     DateTimeOriginal against file counters, folder dates and file times
    reencoding   double compression, EXIF thumbnail vs image, software, dimensions
    duplicates   near-duplicates by PDQ (and crops by template) linked to the original

``pipeline.analyze`` runs them over an archive and records the findings with custody
events; ``listing`` and ``report`` read them back. Importing this package is light (no
numpy): the CLI and ``verify`` import its tables.
"""

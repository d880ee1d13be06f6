"""Identification: families' ante-mortem reports matched against post-mortem cases.

Pure core (no database, no files), tested exhaustively:
  vocabulary, dates, am_fields, am_report   what a family reports, validated
  consent                                   purposes and the checks every use passes
  records                                   PMCase (filled by the catalogue), AMQuery
  comparison, calibration, scoring          explained Splink-style levels, face weight,
                                            hard exclusions, deterministic ranking
  review                                    the two-reviewer rule, tasks for a person
  faces/                                    detection over rotations, alignment,
                                            embedding, quality, pooling, numpy/FAISS index

Shell (archive, files):
  sealing, keyring      field-level AES-GCM, the key file outside the database
  reports, tombstone    AM reports stored, consent changed, withdrawn
  am_import, portraits  CSV/XLSX import; portraits sealed with their face embedding
  pm_faces              faces of PM photos embedded from the write-once store
  matching, decisions   a registered report ranked; reviewers' decisions and tasks
"""

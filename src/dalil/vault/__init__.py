"""The evidence vault: write-once store, catalogue, custody log, ingest and verify."""

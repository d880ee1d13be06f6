"""A witness: another organisation's tool that cosigns an archive's checkpoints.

It runs on another machine, with a key and a state of its own, and cosigns a
checkpoint only when it extends the last one it cosigned for that log: a history
rewritten by whoever holds the archive's key can no longer collect its cosignature.
"""

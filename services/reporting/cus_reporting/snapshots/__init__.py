"""Snapshots: each gmina's aggregates, computed inside the tenant under its own role, and the
agreements' budget figures, written into the ``reporting`` schema per quarter."""

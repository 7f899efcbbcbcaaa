"""The per-gmina append-only audit log of reads and writes of personal data."""

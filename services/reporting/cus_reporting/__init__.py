"""Reporting service: anonymised indicators for ROPS and the Regional CUS Forum (schema
``reporting``). Indicator definitions, snapshots and disclosure control arrive with the
reporting issue; this package already runs as its own service with its own role."""

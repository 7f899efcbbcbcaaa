"""Budgets of programmes: per service, per year or stage, per funding source."""

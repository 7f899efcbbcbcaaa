"""Contracts for social services with partners or in-house units (umowy)."""

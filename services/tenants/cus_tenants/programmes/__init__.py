"""Programmes of social services of each gmina (program usług społecznych, PUS)."""

"""Core service: the CUS's work with residents' personal data, one schema per gmina."""

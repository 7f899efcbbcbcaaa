"""The resident register (rejestr mieszkańców) of a gmina's CUS."""

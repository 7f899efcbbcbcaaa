"""The registry of partners who deliver services under an agreement (rejestr partnerów)."""

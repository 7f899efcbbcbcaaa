"""Referrals (skierowania) of granted services to partners or to the CUS itself, the
resident's consent to share data, and delivery records."""

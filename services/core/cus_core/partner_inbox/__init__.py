"""The inbox of partner organisations' staff: referrals from every gmina they serve."""

"""Quarterly reports (sprawozdania kwartalne) of partners to the CUS of each gmina they serve."""

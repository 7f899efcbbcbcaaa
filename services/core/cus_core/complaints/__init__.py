"""Complaints (skargi) of residents about a service, handled within one month."""

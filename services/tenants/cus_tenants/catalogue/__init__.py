"""The catalogue of social services an agreement's gminy share (katalog usług społecznych)."""

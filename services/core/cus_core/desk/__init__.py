"""The gmina desk: where CUS staff start, with what their role needs first."""

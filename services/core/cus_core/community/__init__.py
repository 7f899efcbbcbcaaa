"""Community work of the OSL: volunteers, self-help groups, neighbour support, events."""

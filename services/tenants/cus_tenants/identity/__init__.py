"""Users, memberships (user, scope, role), login and token issue."""

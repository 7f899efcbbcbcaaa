"""Creating the database side of the platform and of each gmina: roles, schemas, grants,
migrations. Everything here is idempotent and runs on the administrative connection."""

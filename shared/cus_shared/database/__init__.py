"""PostgreSQL access: engines, the embedded server, naming of schemas and roles, tenancy."""

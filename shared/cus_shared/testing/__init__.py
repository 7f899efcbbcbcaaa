"""Test support shared by the services' test suites: a real PostgreSQL, chosen in order from
the environment, a testcontainers container, or the embedded server."""

"""Library shared by the CUS services: settings, database and tenancy, identity, errors,
telemetry and the web shell. It never imports a service (checked by import-linter)."""

"""Registry of gminy (TERYT), the tenants of the platform."""

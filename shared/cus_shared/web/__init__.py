"""The web shell every service uses: app factory, problem details, health and readiness."""

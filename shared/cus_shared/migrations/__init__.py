"""Running Alembic trees programmatically: the shared tree once, the tenant tree per schema."""

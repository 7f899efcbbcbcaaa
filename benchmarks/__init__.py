"""Benchmarks of the platform: scripts run by hand (``python3 dev.py bench``), never tests."""

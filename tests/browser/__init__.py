"""Browser tests: a real server, headless Chromium (Playwright) and axe-core checks."""

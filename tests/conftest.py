"""The project's shared fixtures (``migprofile.testing``), for its own tests only."""

pytest_plugins = ["migprofile.testing"]

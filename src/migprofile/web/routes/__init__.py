"""The routes: ``pages`` (server-rendered HTML) and ``api`` (JSON, OpenAPI)."""

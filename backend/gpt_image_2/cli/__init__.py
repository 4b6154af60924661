"""The CLI: an HTTP client of the service (embedded in-process by default)."""

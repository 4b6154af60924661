"""Fixtures for the side-by-side tests with the reference CLI."""

import os
from pathlib import Path

# The reference installs itself into ~/.cache once; tests run with HOME pointing at a
# temporary folder, so pin the cache to the real one before any fixture changes HOME.
os.environ.setdefault("REFERENCE_CLI_CACHE",
                      str(Path.home() / ".cache" / "gpt-image-2-reference"))


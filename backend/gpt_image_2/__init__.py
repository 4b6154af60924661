"""gpt-image-2: a self-hosted image generation service for OpenAI's gpt-image-2."""

import logging

__all__ = ["__version__"]

__version__ = "0.1.0"

# Records go only where a handler is attached (the server's JSONL file log); without
# one they are dropped, never printed by logging's last-resort handler onto stderr,
# which carries the CLI's JSONL events.
logging.getLogger(__name__).addHandler(logging.NullHandler())

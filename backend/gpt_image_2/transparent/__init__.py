"""The ``transparent`` command group: extract, verify and generate (spec/transparent.md).

This package glues :mod:`gpt_image_2.imaging` (pure array code) to the surfaces:

* :mod:`.options` — flag values, method resolution, output paths, the source
  prompt (pure Python, no numpy: the CLI parser imports it);
* :mod:`.local` — decode/extract/encode/verify on bytes or files, synchronous,
  used by the web routes (in worker threads), the generate pipeline and the
  CLI's in-process fast path;
* :mod:`.records` — history rows and result objects shared by every surface;
* :mod:`.pipeline` — the ``transparent generate`` job executor run by the
  job runner;
* :mod:`.service` / :mod:`.models` — the async facade and the typed API shapes
  behind ``/api/transparent/*``.

Submodules are imported explicitly; this file imports nothing so that the
CLI's fast path stays free of numpy until it needs it and of the web stack
always.
"""

__all__: list[str] = []

"""sllm: an offline lookup tool for domain-specific and scientific language models.

The package root stays import-light: ``sllm.catalog``, ``sllm.query`` and friends
are the library; ``sllm.cli`` is only the command-line face of it.
"""

__version__ = "0.1.0"

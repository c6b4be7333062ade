"""writer_app: a local-first desktop writing assistant built on a local quantized language model."""

__version__ = "0.1.0"

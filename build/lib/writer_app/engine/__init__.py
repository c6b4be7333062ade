"""The local language model: loading, streaming generation, cancellation and token counting."""

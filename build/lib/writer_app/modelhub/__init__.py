"""Models on disk: the embedded default model, and (later) the catalog and downloads."""

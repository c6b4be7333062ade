"""The background worker that owns the engine, and the GUI-thread controller that talks to it."""

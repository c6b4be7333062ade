"""The writing features: each turns a plain-data request into candidates."""

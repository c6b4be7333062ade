"""The writing-quality reward: scorers that explain themselves and the ranker that combines them."""

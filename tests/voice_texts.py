"""Two short texts of unlike voices for the tests of voices: a keeper's evening (repeated, a voice's
samples) and a company report (another voice)."""

KEEPER = (
    "It was late in the evening when the keeper climbed the stairs again. He counted them, as he always "
    "did, and he thought of the letter. The wind had turned; the sea was loud below. "
)
REPORT = (
    "Quarterly revenue rose by four percent, driven by subscriptions in the northern region; costs held "
    "steady and the board approved the budget for the next year without further discussion of it. "
)

"""Counterpart voices: the scripted one, the model-backed one, what a model may be told, and reply checks."""

"""The persona: its schema and the files it is read from."""

"""The command line: `python -m simulator …` and `parley …`."""

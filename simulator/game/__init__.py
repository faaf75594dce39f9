"""The game: the counterpart's state, the rules that move it, archetypes, levers and what each viewer may see."""

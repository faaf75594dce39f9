"""Trainers and trainees: accounts, passwords, assignments, review and comments, checked against the caller."""

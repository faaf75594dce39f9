"""The scenario studio: trainers author, check, version and share their own counterparts."""

"""A practice session: the service that plays turns, its records and storage port, the debrief, sparring partners."""

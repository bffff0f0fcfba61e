"""Use cases: each user action is one unit of work. Returns plain data, never live ORM rows."""

"""Pure-Python rules of the domain: ids, enums, validation and eligibility. No Qt, no database."""

"""Sync: hybrid logical clock, change capture, bundle format, merge and crypto."""

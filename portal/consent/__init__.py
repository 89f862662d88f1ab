"""Consent and authorisation requests for import medicines (seed 000): pharmacy and advisor."""

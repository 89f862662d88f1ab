"""Pages for contracted pharmacies: the import-medicine and entitlement checks (seeds 000, 003)."""

"""Contract documents: Word templates rendered safely, fast and identically to docxtpl."""

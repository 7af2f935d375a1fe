"""Loading documents: bytes -> parsed data, source text, format, and pointer -> line lookups."""

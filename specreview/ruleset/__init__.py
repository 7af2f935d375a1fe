"""Rules as data: the rule model, the strict YAML loader, and the registry of built-in and user rules."""

"""Domain rules: one module per rule family, all registered in `registry`."""

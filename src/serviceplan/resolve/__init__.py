"""Resolve: plans and remaps resolved into the compiled model, and compile's scope."""

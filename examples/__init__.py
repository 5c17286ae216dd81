"""Package data: shipped inside the wheel and read through importlib.resources."""

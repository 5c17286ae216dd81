"""Tools: the side commands (fmt, copies, explain, features table) beside the pipeline."""

"""Files: finding, reading and atomically writing the files the pipeline works on."""

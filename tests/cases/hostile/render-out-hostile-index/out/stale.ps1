listed by the previous index, no longer produced: removed

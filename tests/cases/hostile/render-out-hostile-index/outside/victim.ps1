out of the tree: never removed

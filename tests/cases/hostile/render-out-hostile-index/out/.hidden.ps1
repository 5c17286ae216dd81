hidden: never ours

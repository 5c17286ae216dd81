listed by the linked index: never removed

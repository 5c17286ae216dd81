in a folder of --out: never removed

the file a link in --out points at: never written

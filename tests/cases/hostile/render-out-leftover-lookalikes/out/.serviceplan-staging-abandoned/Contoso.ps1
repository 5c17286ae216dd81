a half-written manifest a killed run left

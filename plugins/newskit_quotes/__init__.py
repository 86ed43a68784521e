"""newskit_quotes: placeholder, being written."""

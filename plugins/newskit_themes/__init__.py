"""newskit_themes: placeholder, being written."""

"""newskit_entities: placeholder, being written."""

"""newskit_dates: placeholder, being written."""

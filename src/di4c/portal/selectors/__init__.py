"""The portal's reads: querysets that pages and feeds share, with their joins."""

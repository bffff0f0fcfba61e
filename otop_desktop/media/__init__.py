"""Photos: the content-addressed store and photo processing (Pillow). No Qt."""

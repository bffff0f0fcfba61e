"""Small widgets shared by pages: the drop area for bundles, the notice banner."""

"""Small widgets that panes compose, each with one job."""

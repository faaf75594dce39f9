"""Reports: JSON/CSV/HTML exports and inline SVG plots."""

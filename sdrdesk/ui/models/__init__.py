"""Custom Qt item models over ordered ids from SQL (STYLE.md section 5)."""

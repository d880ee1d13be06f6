"""Export: court packages that verify with nothing but Python, and public releases."""

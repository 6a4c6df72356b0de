"""Ways numbers come in."""

"""One module per topic: volunteer.py and micro.py."""

"""One module per topic: hours.py (the calendar), nearby.py, coverage.py, centers.py (photos)."""

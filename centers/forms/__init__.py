"""One module per topic: centers.py, hours.py, rooms.py."""

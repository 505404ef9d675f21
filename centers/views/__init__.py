"""One module per topic: centers.py, hours.py, rooms.py, nearby.py, coverage.py; shared helpers in common.py."""

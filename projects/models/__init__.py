"""Models of the projects app, one module per topic (each re-exported here):

- volunteer.py: volunteer and Party-brand service projects, teams, volunteers, activities.
- micro.py: 民生微实事 micro-projects and Party-building fund lines.
"""

from .micro import *  # noqa: F401,F403
from .volunteer import *  # noqa: F401,F403

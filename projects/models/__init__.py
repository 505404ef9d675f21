"""Models of the projects app, one module per topic (each re-exported here):

- service.py: volunteer and Party-brand service projects, their star ratings, volunteer teams.
- volunteers.py: volunteers and their service certificates.
- activities.py: activities, residents' sign-ups and the service records with hours.
- micro.py: 民生微实事 micro-projects, their transitions and milestones.
- funds.py: Party-building fund lines, per-project caps, spending and social investment.
- funnel.py: kept totals of micro-projects per community, year, status and category (the staff
  funnel, the dashboards).
- hours.py: kept hours per service project and month (the dashboards' ranking by hours).
"""

from .activities import *  # noqa: F401,F403
from .funds import *  # noqa: F401,F403
from .funnel import *  # noqa: F401,F403
from .hours import *  # noqa: F401,F403
from .micro import *  # noqa: F401,F403
from .service import *  # noqa: F401,F403
from .volunteers import *  # noqa: F401,F403

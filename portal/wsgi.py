import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: refuse to serve with settings that `check --deploy` refuses.
from portal.checks import refuse_unsafe_start  # noqa: E402

refuse_unsafe_start()

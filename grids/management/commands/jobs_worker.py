"""The job worker: django-tasks-db's db_worker, plus recovery of jobs left by a dead worker and
the scheduled work declared in code (grids.services.jobs.SCHEDULE)."""

import threading
import time

from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from ...services import jobs


def housekeeping(stop, interval):
    last = {}
    while not stop.is_set():
        try:
            jobs.recover_stale_jobs()
            now = timezone.now()
            for name, (function, every) in jobs.SCHEDULE.items():
                if name not in last or now - last[name] >= every:
                    function()
                    last[name] = now
        except Exception:  # a locked SQLite database: try again next round
            pass
        finally:
            close_old_connections()
        stop.wait(interval)


class Command(DbWorker):
    help = "Run background jobs (and recover the jobs of a worker that died, and the scheduled work)."

    def handle(self, *args, **options):
        options["reload"] = False
        jobs.recover_stale_jobs()
        stop = threading.Event()
        thread = threading.Thread(target=housekeeping, args=(stop, 60), daemon=True)
        thread.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
            time.sleep(0)

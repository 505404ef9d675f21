"""A slow job kind for the worker-restart test (registered through JOBS_EXTRA_MODULES)."""

import time

from grids.models import Level, Unit
from grids.services.jobs import register


@register("test_slow", "slow test job")
def run_slow(job, ctx):
    steps = job.params["steps"]
    for step in range(steps):
        ctx.progress(step, steps)
        time.sleep(job.params.get("pause", 0.3))
    with ctx.finishing():
        parent = Unit.objects.get(pk=job.params["grid"])
        for n in range(steps):
            Unit.objects.create(name=f"慢任务{n}栋", level=Level.BUILDING, parent=parent)
        ctx.outcome = {"summary": {"created": steps}}

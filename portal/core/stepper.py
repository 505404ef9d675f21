"""A record's lifecycle as steps (issue 13: "where does my proposal stand?"), for the stepper
in templates/includes/stepper.html. A leaf module: it imports no app; the models say which
statuses make up their path and what each means."""

from dataclasses import dataclass

DONE, CURRENT, TODO = "done", "current", "todo"


@dataclass(frozen=True)
class Stage:
    label: str
    state: str  # DONE, CURRENT or TODO
    help: str = ""


def stages(path, status, *, helps=None, reached=None):
    """The stages of `path` (a sequence of TextChoices members) with `status` marked current.

    A status off the path (rejected, withdrawn) ends it: the stages up to `reached` (the last
    one on the path before it) are done, then the ending itself is the current stage, and
    nothing follows."""
    helps = helps or {}
    if status in path:
        at = path.index(status)
        states = [DONE] * at + [CURRENT] + [TODO] * (len(path) - at - 1)
        return [Stage(step.label, state, helps.get(step, "")) for step, state in zip(path, states, strict=True)]
    before = path[: path.index(reached) + 1] if reached in path else path[:1]
    return [Stage(step.label, DONE, helps.get(step, "")) for step in before] + [
        Stage(status.label, CURRENT, helps.get(status, ""))
    ]

"""The lifecycle stepper (issue 13): a micro-project's public page and its tracking page, and a
demand's tracking page, show the stages of the lifecycle as an ordered list with the current one
marked (aria-current="step" and the visible word 当前), what each stage means, and where a
project or demand left the path (未立项, 撤销, 不予受理) as the last stage."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from grids.models import DemandStatus
from portal.core.stepper import CURRENT, DONE, TODO, Stage, stages
from projects.models import MicroStatus
from projects.services import micro as services
from tests import factory_demands as fd
from tests import factory_micro as fm

pytestmark = pytest.mark.django_db


class _Steps(HTMLParser):
    """(state, aria-current, label, text read aloud) of each <li> of the page's ol.stepper."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lists, self.inside, self.steps, self.step = 0, False, [], None
        self.spans = []  # per open <span>: (is the label, hidden from reading)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        css = a.get("class") or ""
        if tag == "ol" and "stepper" in css.split():
            self.lists, self.inside = self.lists + 1, True
        elif tag == "li" and self.inside:
            self.step = [re.search(r"stepper-(done|current|todo)", css).group(1), a.get("aria-current"), "", ""]
        elif tag == "span" and self.step is not None:
            hidden = "aria-hidden" in a or any(h for _l, h in self.spans)
            self.spans.append(("stepper-label" in css, hidden))

    def handle_endtag(self, tag):
        if tag == "ol" and self.inside:
            self.inside = False
        elif tag == "li" and self.step is not None:
            self.steps.append(tuple(self.step))
            self.step = None
        elif tag == "span" and self.spans:
            self.spans.pop()

    def handle_data(self, data):
        if self.step is None:
            return
        if any(label for label, _h in self.spans):
            self.step[2] += data.strip()
        if not any(hidden for _l, hidden in self.spans):
            self.step[3] += data


def steps_of(html):
    parser = _Steps()
    parser.feed(html)
    assert parser.lists == 1, "one stepper per page"
    return [(state, current, label, " ".join(text.split())) for state, current, label, text in parser.steps]


def test_stages_mark_the_current_one_and_end_where_the_path_was_left():
    path = (MicroStatus.PROPOSED, MicroStatus.REVIEWING, MicroStatus.APPROVED)
    assert [s.state for s in stages(path, MicroStatus.REVIEWING)] == [DONE, CURRENT, TODO]
    assert stages(path, MicroStatus.REJECTED, reached=MicroStatus.REVIEWING) == [
        Stage(MicroStatus.PROPOSED.label, DONE),
        Stage(MicroStatus.REVIEWING.label, DONE),
        Stage(MicroStatus.REJECTED.label, CURRENT),
    ]
    # Without a known stage before the ending, the path's first stage was reached.
    assert [s.state for s in stages(path, MicroStatus.WITHDRAWN)] == [DONE, CURRENT]


def test_a_proposal_just_made_is_at_the_first_of_five_stages(client, tree):
    project = fm.make_project(tree.community1)
    steps = steps_of(client.get(reverse("micro_track_code", args=[project.tracking_code])).content.decode())
    assert [(state, current, label) for state, current, label, _text in steps] == [
        ("current", "step", "征集"),
        ("todo", None, "评议"),
        ("todo", None, "立项"),
        ("todo", None, "实施"),
        ("todo", None, "验收"),
    ]
    # What the stage means is said beside it, and "now" is a word, not only a colour.
    assert steps[0][3] == "征集 当前 收集居民提议，并核对是否完整。"


def test_the_public_page_of_an_accepted_project_marks_acceptance(client, tree):
    project = fm.accepted(fm.make_project(tree.community1, "楼道照明改造"), fm.make_line(tree.community1))
    steps = steps_of(client.get(reverse("micro_detail", args=[project.pk])).content.decode())
    assert [(state, current) for state, current, _label, _text in steps] == [("done", None)] * 4 + [("current", "step")]
    # The tick is decoration (aria-hidden); a screen reader hears the stage's state in words.
    assert steps[-1][2] == "验收" and steps[0][3].startswith("征集（已完成）")


def test_a_rejected_proposal_ends_after_review(client, tree):
    project = fm.reviewing(fm.make_project(tree.community1))
    services.reject(project=project, actor=None, reason="属于物业维修范围", resolution="未通过",
                    resolution_date=timezone.localdate())  # fmt: skip
    steps = steps_of(client.get(reverse("micro_track_code", args=[project.tracking_code])).content.decode())
    assert [(state, label) for state, _current, label, _text in steps] == [
        ("done", "征集"),
        ("done", "评议"),
        ("current", "未立项"),
    ]


def test_a_withdrawn_project_ends_where_it_stood(client, tree):
    project = fm.approved(fm.make_project(tree.community1), fm.make_line(tree.community1))
    services.withdraw(project=project, actor=None, note="居民已自行解决")
    project.refresh_from_db()
    assert project.status == MicroStatus.WITHDRAWN
    steps = steps_of(client.get(reverse("micro_detail", args=[project.pk])).content.decode())
    assert [label for _state, _current, label, _text in steps] == ["征集", "评议", "立项", "撤销"]
    assert [current for _state, current, _label, _text in steps] == [None, None, None, "step"]


@pytest.mark.parametrize(
    ("status", "labels", "current"),
    [
        (DemandStatus.PENDING, ["待受理", "已受理", "办理中", "已办结", "已销号"], 0),
        (DemandStatus.HANDLED, ["待受理", "已受理", "办理中", "已办结", "已销号"], 3),
        (DemandStatus.REJECTED, ["待受理", "不予受理"], 1),
    ],
)
def test_the_demand_tracking_page_shows_where_the_demand_stands(client, tree, status, labels, current):
    demand = fd.make_demand(tree.community1, status=status)
    steps = steps_of(client.get(reverse("demand_track_code", args=[demand.code])).content.decode())
    assert [label for _state, _current, label, _text in steps] == labels
    assert [i for i, step in enumerate(steps) if step[1] == "step"] == [current]
    assert all(state == "done" for state, *_rest in steps[:current])

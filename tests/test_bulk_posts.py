"""Posts in bulk from a pattern and from Excel; reports and claims from Excel (issue 10, §3)."""

from django.urls import reverse

from grids.models import Category, Job, JobStatus, Level, PostClaim, PostKind, Report, ServicePost
from grids.services import unit_counts
from grids.services.reporting_io import NO_MEMBER
from tests import factory_bulk as fb
from tests import factory_members as fm
from tests.factory import make_unit


def _run(client, name, unit, rows):
    """Preview, then confirm when the preview found nothing: the last job."""
    client.post(reverse(f"{name}_import", args=[unit.pk]), {"workbook": fb.upload(name, rows)})
    job = Job.objects.latest("pk")
    if job.status == JobStatus.DONE:
        client.post(reverse("bulk_import_confirm", args=[job.pk]))
        job = Job.objects.latest("pk")
    return job


def _in_service(unit, name, n):
    id_card, _mobile = fm.next_identity()
    member = fm.make_member(unit, name, id_card=id_card, category=Category.IN_SERVICE)
    return member, id_card


def test_posts_for_every_building_group_from_a_pattern(tree, people, client_for):
    grid = tree.grid1
    for name in ("12栋", "13栋"):
        make_unit(5, name, grid)
    fm.make_post(tree.building1, name="11栋垃圾分类督导岗")  # already there: skipped
    fm.make_post(tree.building2, name="狮岭")  # outside: untouched, not counted
    client = client_for(people.meigang)
    url = reverse("posts_bulk", args=[tree.community1.pk])
    data = {"pattern": "{楼栋}垃圾分类督导岗", "kind": PostKind.WASTE_SORTING, "capacity": "3", "description": ""}
    preview = client.post(url, data)
    assert preview.status_code == 200 and preview.context["plan"].existing == 1
    assert [post.name for post in preview.context["plan"].new] == ["12栋垃圾分类督导岗", "13栋垃圾分类督导岗"]
    assert ServicePost.objects.count() == 2
    done = client.post(url, {**data, "confirmed": "True"})
    assert done.status_code == 302 and done["Location"] == reverse("post_list")
    made = ServicePost.objects.filter(name__in=["12栋垃圾分类督导岗", "13栋垃圾分类督导岗"])
    assert made.count() == 2 and {post.capacity for post in made} == {3}
    assert client.post(url, {**data, "confirmed": "True"}).status_code == 200  # nothing left to create
    assert client_for(people.meigang).post(reverse("posts_bulk", args=[tree.community2.pk]), data).status_code == 404


def test_posts_from_excel(tree, people, client_for):
    client = client_for(people.huafu)
    rows = [
        ["第1网格/11栋", "平安巡逻岗", "平安巡逻", 2, "夜间"],
        ["梅岗社区", "关爱帮扶岗", "关爱帮扶", 5, ""],
    ]
    job = _run(client, "posts", tree.community1, rows)
    assert job.status == JobStatus.DONE and fb.counts(job) == [2, 2, 0], job.errors
    post = ServicePost.objects.get(name="平安巡逻岗")
    assert (post.unit, post.kind, post.capacity, post.description) == (
        tree.building1,
        PostKind.SAFETY_PATROL,
        2,
        "夜间",
    )
    bad = _run(
        client, "posts", tree.community1, [["11栋", "新岗", "平安巡逻", 2, ""], ["狮岭社区", "新岗", "不存在", 0, ""]]
    )
    assert bad.status == JobStatus.FAILED and {e["row"] for e in bad.errors} == {3}
    assert len(bad.errors) == 3 and not ServicePost.objects.filter(name="新岗").exists()


def test_reports_from_excel_all_or_nothing_and_neutral_outside(tree, people, client_for):
    client = client_for(people.huafu)
    inside, inside_id = _in_service(tree.grid1, "王在职", 1)
    other, other_id = _in_service(tree.grid1, "李在职", 2)
    outside, outside_id = _in_service(tree.grid2, "莲花在职", 3)
    registered = fm.make_member(tree.grid1, "赵在册")
    unknown_id, _m = fm.next_identity()
    rows = [
        [inside_id, "", "王在职", "第1网格/11栋", "2024-03-01"],
        ["", str(other.pk), "", "11栋", None],
        [outside_id, "", "", "11栋", None],  # a member of 莲花街道
        [unknown_id, "", "", "11栋", None],  # nobody's
        ["", str(outside.pk), "", "11栋", None],
        ["", str(registered.pk), "", "11栋", None],
        ["", str(other.pk), "", "狮岭社区/第1网格/11栋", None],
    ]
    job = _run(client, "reports", tree.community1, rows)
    assert job.status == JobStatus.FAILED and not Report.objects.exists()
    by_row = {}
    for error in job.errors:
        by_row.setdefault(error["row"], []).append(error["message"])
    assert set(by_row) == {4, 5, 6, 7, 8}
    # Outside the scope and not at all: the same words.
    assert by_row[4] == by_row[5] == [str(NO_MEMBER)] and by_row[6] == [str(NO_MEMBER)]
    good = _run(client, "reports", tree.community1, rows[:2])
    assert good.status == JobStatus.DONE and fb.counts(good) == [2, 2, 0]
    assert Report.objects.get(member=inside).building == tree.building1
    assert str(Report.objects.get(member=inside).reported_on) == "2024-03-01"
    assert Report.objects.get(member=other).recorded_by == people.huafu
    assert unit_counts.differences() == {}  # the bulk insert's kept counts recomputed
    twelve = make_unit(Level.BUILDING, "12栋", tree.grid1)
    moved = _run(client, "reports", tree.community1, [["", str(other.pk), "", "12栋", None]])
    assert moved.status == JobStatus.DONE and Report.objects.get(member=other).building == twelve
    assert unit_counts.differences() == {}  # the bulk update's too, where it left and where it went


def test_claims_from_excel_with_places_counted(tree, people, client_for):
    client = client_for(people.huafu)
    post = fm.make_post(tree.building1, name="平安巡逻", capacity=2)
    fm.make_post(tree.building2, name="平安巡逻", capacity=9)  # 莲花's: never matched
    members = [_in_service(tree.grid1, f"认领{i}", i) for i in range(3)]
    fm.make_claim(post, members[0][0])
    rows = [[members[1][1], "", "", "平安巡逻", None], [members[2][1], "", "", str(post.pk), None]]
    full = _run(client, "claims", tree.community1, rows)
    assert full.status == JobStatus.FAILED and [(e["row"], e["column"]) for e in full.errors] == [
        (3, full.errors[0]["column"])
    ]
    assert PostClaim.objects.count() == 1
    again = _run(client, "claims", tree.community1, [[members[0][1], "", "", "11栋/平安巡逻", None]])
    assert again.status == JobStatus.FAILED and PostClaim.objects.count() == 1
    ok = _run(client, "claims", tree.community1, rows[:1])
    assert ok.status == JobStatus.DONE and PostClaim.objects.filter(post=post).count() == 2
    assert unit_counts.differences() == {}

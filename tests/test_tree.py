import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from grids.models import Level, Unit


def test_subtree_is_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = [unit.name for unit in Unit.objects.under(tree.street1)]
    assert names == ["华富街道", "梅岗社区", "第1网格", "11栋"]


def test_paths_follow_the_parent_chain(tree):
    assert tree.building1.path == (
        f"/{tree.district.pk}/{tree.street1.pk}/{tree.community1.pk}/{tree.grid1.pk}/{tree.building1.pk}/"
    )
    assert tree.building1.full_name() == "福田区 / 华富街道 / 梅岗社区 / 第1网格 / 11栋"


@pytest.mark.parametrize(
    ("level", "parent_attr"),
    [
        (Level.COMMUNITY, "district"),  # skips a level
        (Level.GRID, "street1"),
        (Level.STREET, "street2"),  # same level
        (Level.STREET, None),  # a street needs a parent
    ],
)
def test_parent_must_be_exactly_one_level_up(tree, level, parent_attr):
    parent = getattr(tree, parent_attr) if parent_attr else None
    unit = Unit(level=level, name="错位", parent=parent)
    with pytest.raises(ValidationError) as excinfo:
        unit.full_clean()
    assert "parent" in excinfo.value.message_dict


def test_save_refuses_a_wrong_level_even_without_clean(tree):
    with pytest.raises(ValidationError):
        Unit.objects.create(level=Level.GRID, name="错位", parent=tree.street1)
    assert not Unit.objects.filter(name="错位").exists()


def test_district_has_no_parent_in_the_database(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=tree.street1.pk).update(parent=None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the composite foreign key exists on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_a_parent_of_the_wrong_level():
    from tests.factory import make_tree

    tree = make_tree()
    with pytest.raises(IntegrityError), transaction.atomic():
        # Bypasses save() and clean(): only the database stands in the way.
        Unit.objects.filter(pk=tree.grid1.pk).update(parent=tree.street1)
        connection.check_constraints()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_moving_a_unit_moves_its_subtree(tree):
    tree.grid1.name = "第9网格"
    tree.grid1.parent = tree.community2
    tree.grid1.save()
    tree.building1.refresh_from_db()
    assert tree.building1.path.startswith(tree.community2.path)
    assert tree.building1 in Unit.objects.under(tree.street2)
    assert tree.building1 not in Unit.objects.under(tree.street1)


def test_a_unit_cannot_move_under_itself(tree):
    community = tree.community1
    community.full_clean()  # staying where it is is fine
    for below in (community, tree.grid1, tree.building1):
        community.parent = below
        with pytest.raises(ValidationError) as refused:
            community.full_clean()
        assert list(refused.value.message_dict) == ["parent"], below
        with pytest.raises(ValidationError):
            community.save()
    community.refresh_from_db()
    assert community.parent == tree.street1
    assert community.path == f"{tree.street1.path}{community.pk}/"
    tree.building1.refresh_from_db()
    assert tree.building1.path.startswith(community.path)


def test_names_are_unique_among_siblings_only(tree):
    # Both streets have a 第1网格 under their community: allowed.
    assert Unit.objects.filter(name="第1网格").count() == 2
    with pytest.raises(ValidationError):
        Unit(level=Level.GRID, name="第1网格", parent=tree.community1).full_clean()


def test_by_ref_finds_id_or_code(tree):
    assert Unit.objects.by_ref(str(tree.street1.pk)).get() == tree.street1
    assert Unit.objects.by_ref("440304008").get() == tree.street1
    assert not Unit.objects.by_ref("nonsense").exists()

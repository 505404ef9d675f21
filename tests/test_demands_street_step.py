"""The intake's street → community steps without a script: the street is sent with the form,
which comes back as typed with only that street's communities; a community of another street is
refused with the input kept; without a street every community stays a choice."""

import re

from django.urls import reverse

from grids.models import Demand
from tests.test_demands_public import MOBILE, NAME, _form
from tests.test_images import real_image


def _options(page, name):
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="(\d+)"', select)


def _where(tree, **extra):
    return _form(tree, latitude="", longitude="", **extra)


def test_the_form_offers_every_street_and_every_community_at_first(client, tree):
    page = client.get(reverse("demand_new")).content.decode()
    assert _options(page, "street") == [str(tree.street1.pk), str(tree.street2.pk)]
    assert sorted(_options(page, "community")) == sorted([str(tree.community1.pk), str(tree.community2.pk)])
    assert f'data-street="{tree.street1.pk}"' in page and 'name="choose_street"' in page


def test_choosing_a_street_narrows_the_communities_and_keeps_what_was_typed(client, tree):
    data = _where(tree, street=tree.street2.pk, choose_street="1")
    del data["publish"]
    response = client.post(reverse("demand_new"), {**data, "photos": [real_image()]})
    page = response.content.decode()
    assert response.status_code == 200 and not Demand.objects.exists()
    assert _options(page, "community") == [str(tree.community2.pk)]
    assert re.search(rf'<option value="{tree.street2.pk}" selected>', page)
    assert 'value="路灯不亮"' in page and "小区门口路灯坏了一周。</textarea>" in page
    assert f'value="{NAME}"' in page and f'value="{MOBILE}"' in page
    assert not re.search(r'name="publish"[^>]*checked', page)  # unticked stays unticked
    assert 'id="demand-photos-again"' in page
    assert "invalid-feedback" not in page and "alert-danger" not in page  # nothing checked yet

    response = client.post(reverse("demand_new"), _where(tree, street=tree.street2.pk, community=tree.community2.pk))
    assert response.status_code == 302 and Demand.objects.get().community == tree.community2


def test_a_community_of_another_street_is_refused_with_the_input_kept(client, tree):
    response = client.post(reverse("demand_new"), _where(tree, street=tree.street2.pk, community=tree.community1.pk))
    page = response.content.decode()
    assert response.status_code == 200 and not Demand.objects.exists()
    assert "invalid-feedback" in page and 'value="路灯不亮"' in page
    assert _options(page, "community") == [str(tree.community2.pk)]


def test_without_a_street_or_with_a_bad_one_every_community_is_a_choice(client, tree):
    for street in ("", "x", "99999999999999999999", str(tree.community1.pk)):
        page = client.post(reverse("demand_new"), _where(tree, street=street, choose_street="1")).content.decode()
        assert sorted(_options(page, "community")) == sorted([str(tree.community1.pk), str(tree.community2.pk)])
    response = client.post(reverse("demand_new"), _where(tree, community=tree.community1.pk))
    assert response.status_code == 302 and Demand.objects.get().community == tree.community1

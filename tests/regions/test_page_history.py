"""The county page's history: the whole before and after of a change, and a way back."""

from __future__ import annotations

from regions.models import CountyPageVersion

LONG = "Vi hjälper företag i Skåne att börja exportera. " * 8  # well over 200 characters


def test_history_shows_the_whole_change_and_restores_a_version(client, catalogue, people):
    client.force_login(people.coordinator)
    client.post("/exportcentrum/skane/redigera/introduktion/", {"introduction": LONG})
    first = CountyPageVersion.objects.get()
    client.post(f"/exportcentrum/skane/redigera/introduktion/{first.pk}/publicera/")
    client.post("/exportcentrum/skane/redigera/introduktion/", {"introduction": "Kortare text"})
    html = client.get("/exportcentrum/skane/redigera/historik/").content.decode()
    assert LONG.strip() in html  # not cut at 200 characters
    restore = f"/exportcentrum/skane/redigera/introduktion/?fran={first.pk}"
    assert f'href="{restore}"' in html
    form = client.get(restore).content.decode()
    assert f"{LONG.strip()}</textarea>" in form

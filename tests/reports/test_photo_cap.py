"""How many photos a report takes: 30 in all, 10 in one upload; the rest are named and not
read, and nothing already saved is lost."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qualitymonth.core.models import AuditEntry
from qualitymonth.reports import services

from .conftest import photo_bytes

SMALL = (64, 48)  # real JPEGs, small enough to make thirty quickly


def fill(report, by, count: int, start: int = 1) -> None:
    for seed in range(start, start + count):
        services.add_photo(report, by, photo_bytes(seed, size=SMALL), f"IMG_{seed:04d}.JPG")


def upload(seed: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"IMG_{seed:04d}.JPG", photo_bytes(seed, size=SMALL), "image/jpeg")


def post(client, report, photos, **extra):
    return client.post(
        reverse("reports:edit", kwargs={"pk": report.pk}),
        {"title": report.title, "content": "改过的内容", "photos": photos, **extra},
        follow=True,
    )


def test_a_report_takes_thirty_photos_and_refuses_the_next_by_name(draft, reporter):
    fill(draft, reporter, 30)
    added = AuditEntry.objects.filter(action="report.photo_added").count()
    with pytest.raises(ValidationError) as refused:
        services.add_photo(draft, reporter, photo_bytes(99, size=SMALL), "IMG_0099.JPG")
    message = refused.value.messages[0]
    assert "每份报送最多 30 张照片，已有 30 张" in message and "“IMG_0099.JPG”" in message
    assert draft.photos.count() == 30
    assert AuditEntry.objects.filter(action="report.photo_added").count() == added
    # A retry of a photo already there is still the same photo, not a refusal.
    again = services.add_photo(draft, reporter, photo_bytes(1, size=SMALL), "IMG_0001.JPG")
    assert again.original_name == "IMG_0001.JPG"


def test_one_upload_takes_ten_photos_and_names_the_rest(client, draft, reporter):
    client.force_login(reporter)
    response = post(client, draft, [upload(seed) for seed in range(1, 13)])
    page = response.content.decode()
    assert draft.photos.count() == 10
    assert "一次最多上传 10 张照片" in page and "共 2 张未上传" in page
    assert "“IMG_0011.JPG”" in page and "“IMG_0012.JPG”" in page
    draft.refresh_from_db()
    assert draft.content == "改过的内容"  # what was typed is saved all the same


def test_a_full_report_refuses_the_upload_and_removing_photos_makes_room(client, draft, reporter):
    fill(draft, reporter, 28)
    client.force_login(reporter)
    page = post(client, draft, [upload(seed) for seed in range(41, 45)]).content.decode()
    assert draft.photos.count() == 30
    assert "每份报送最多 30 张照片，已有 28 张" in page and "共 2 张未上传" in page
    # Ticking two off in the same save makes room for two new ones.
    old = list(draft.photos.order_by("pk").values_list("pk", flat=True)[:2])
    post(client, draft, [upload(51), upload(52)], remove_photo=old)
    names = set(draft.photos.values_list("original_name", flat=True))
    assert draft.photos.count() == 30 and {"IMG_0051.JPG", "IMG_0052.JPG"} <= names


def test_the_edit_page_states_the_limits(client, draft, reporter):
    client.force_login(reporter)
    page = client.get(reverse("reports:edit", kwargs={"pk": draft.pk})).content.decode()
    assert "一次最多 10 张，每份报送最多 30 张" in page


@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_the_same_moment_cannot_both_take_the_last_place(
    draft, reporter, monkeypatch
):
    """Both pass the count before processing; the report's row lock decides, and the loser's
    copies are not left in storage."""
    import threading

    from django.core.files.storage import default_storage
    from django.db import connection

    fill(draft, reporter, 29)
    barrier = threading.Barrier(2)
    outcomes = []
    new_photo = services.new_photo

    def processed_together(*args, **kwargs):
        """Both uploads processed and their copies written before either is saved."""
        photo = new_photo(*args, **kwargs)
        barrier.wait(timeout=10)
        return photo

    monkeypatch.setattr(services, "new_photo", processed_together)

    def add(seed):
        try:
            data = photo_bytes(seed, size=SMALL)
            outcomes.append(services.add_photo(draft, reporter, data, f"IMG_{seed:04d}.JPG"))
        except ValidationError as refused:
            outcomes.append(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(seed,)) for seed in (71, 72)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Photo", "ValidationError"]
    assert draft.photos.count() == 30
    _folders, thumbnails = default_storage.listdir("reports/photos/thumb")
    assert len(thumbnails) == 30

import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from PIL import Image

from qualitymonth.accounts.models import Role
from qualitymonth.core.models import AuditEntry, Notification
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports import services
from qualitymonth.reports.models import Report
from tests.conftest import make_person
from tests.reports.conftest import photo_bytes

S = Report.Status


@pytest.fixture
def reviewer(pudong):
    return make_person("reviewer", Role.REVIEWER, pudong)


def test_the_whole_review_loop(draft, reporter, reviewer, admin):
    services.submit_report(draft, reporter)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED and draft.version == 1
    assert Notification.objects.filter(recipient=reviewer, kind="report_submitted").exists()
    with pytest.raises(ValidationError):
        services.save_draft(draft, reporter, content="改一下")  # locked while under review
    with pytest.raises(ValidationError):
        services.return_report(draft, reviewer, "  ")  # a reason is required
    services.return_report(draft, reviewer, "请补充活动照片。")
    draft.refresh_from_db()
    assert draft.status == S.RETURNED and draft.return_reason == "请补充活动照片。"
    assert (
        Notification.objects.get(recipient=reporter, kind="report_returned").body
        == "请补充活动照片。"
    )
    services.save_draft(draft, reporter, content="补充了照片。")
    services.submit_report(draft, reporter)
    services.accept_report(draft, reviewer)
    draft.refresh_from_db()
    assert draft.status == S.ACCEPTED and draft.reviewed_by == reviewer
    with pytest.raises(ValidationError):
        services.save_draft(draft, reporter, content="采用后不能改")
    with pytest.raises(PermissionDenied):
        services.reopen_report(draft, reviewer, "需要修改")  # only the campaign admin
    services.reopen_report(draft, admin, "数据有误，请核对参与人数。")
    draft.refresh_from_db()
    assert draft.status == S.RETURNED
    versions = list(draft.versions.values_list("action", flat=True))
    assert versions == ["submitted", "returned", "submitted", "accepted", "reopened"]
    assert draft.versions.get(number=1).snapshot["content"] == "在社区开展质量知识宣传。"
    assert draft.versions.get(number=3).snapshot["content"] == "补充了照片。"
    assert AuditEntry.objects.filter(target_id=str(draft.pk), action="report.accepted").exists()


def test_wrong_transitions_are_refused(draft, reviewer):
    with pytest.raises(ValidationError):
        services.accept_report(draft, reviewer)  # a draft cannot be accepted
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_who_may_write_and_review(draft, reporter, pudong):
    zhoujiadu = OrgUnit.objects.create(name="周家渡街道", kind="subdistrict", parent=pudong)
    other = make_person("zjd", Role.REPORTER, zhoujiadu)
    with pytest.raises(PermissionDenied):
        services.save_draft(draft, other, content="别人的报送")
    services.submit_report(draft, reporter)
    with pytest.raises(PermissionDenied):
        services.accept_report(draft, reporter)  # a reporter does not review
    with pytest.raises(PermissionDenied):
        services.accept_report(draft, other)


def test_late_reports_are_accepted_but_marked(draft, reporter):
    services.submit_report(draft, reporter)  # today is long after 30 September 2024
    draft.refresh_from_db()
    assert draft.is_late


def test_invalid_figures_are_named_and_not_saved(draft, reporter, item):
    people = item.indicators.get(name="参与人数")
    problems = services.save_draft(draft, reporter, figures={people.pk: "-5"})
    assert problems == {people.pk: "参与人数：不能是负数。"}
    problems = services.save_draft(draft, reporter, figures={people.pk: "12.5"})
    assert problems == {people.pk: "参与人数：请填写整数。"}
    assert draft.values.get(indicator=people).value == 120  # the saved figure stays


def test_a_retried_start_makes_one_report(reporter, item, lujiazui, event):
    token = uuid.uuid4()
    first = services.start_report(
        reporter, item=item, org_unit=lujiazui, event=event, client_token=token
    )
    again = services.start_report(
        reporter, item=item, org_unit=lujiazui, event=event, client_token=token
    )
    assert first == again and Report.objects.count() == 1


def test_photos_copies_flags_and_retries(draft, reporter, item, lujiazui, event):
    photo = services.add_photo(draft, reporter, photo_bytes(1), "IMG_0001.JPG")
    assert services.add_photo(draft, reporter, photo_bytes(1), "IMG_0001.JPG") == photo  # retry
    assert draft.photos.count() == 1
    assert not photo.taken_outside_period and photo.same_as is None
    with Image.open(photo.web.open("rb")) as web:
        assert max(web.size) <= 1920
    old = services.add_photo(
        draft, reporter, photo_bytes(2, taken="2023:05:01 08:00:00"), "old.jpg"
    )
    assert old.taken_outside_period
    # The same picture, resized, in another report is recognised.
    other = services.start_report(reporter, item=item, org_unit=lujiazui, event=event)
    small = Image.open(io.BytesIO(photo_bytes(1))).resize((600, 450))
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=60)
    again = services.add_photo(other, reporter, buffer.getvalue(), "again.jpg")
    assert again.same_as == photo


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"%PDF-1.4 not an image", "photo.jpg", "不是支持的图片格式"),
        (b"", "empty.jpg", ""),
        (photo_bytes(3)[:2000], "cut.jpg", "损坏"),
    ],
)
def test_bad_photos_get_a_message_and_are_not_stored(draft, reporter, data, name, words):
    with pytest.raises(ValidationError) as error:
        services.add_photo(draft, reporter, data, name)
    assert words in error.value.messages[0]
    assert draft.photos.count() == 0


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"MZ\x90\x00", "tool.exe", "类型不支持"),
        (b"just text", "fake.pdf", "不是真正的 PDF"),
        (b"PK\x03\x04 broken", "fake.docx", "不是真正的 Word"),
    ],
)
def test_bad_attachments_are_refused(draft, reporter, data, name, words):
    with pytest.raises(ValidationError) as error:
        services.add_attachment(draft, reporter, data, name)
    assert words in error.value.messages[0]


def test_accept_many_and_stars(draft, reporter, reviewer, item, lujiazui, event):
    second = services.start_report(reporter, item=item, org_unit=lujiazui, event=event)
    services.save_draft(second, reporter, content="第二份")
    services.submit_report(draft, reporter)
    accepted, skipped = services.accept_many([draft, second], reviewer)
    assert accepted == 1 and len(skipped) == 1  # the second was never submitted
    services.star_report(draft, reviewer, True)
    draft.refresh_from_db()
    assert draft.starred


def test_pages_write_submit_and_review(client, draft, reporter, reviewer, item):
    client.force_login(reporter)
    people = item.indicators.get(name="参与人数")
    url = reverse("reports:autosave", kwargs={"pk": draft.pk})
    response = client.post(url, {"content": "自动保存的内容", f"figure-{people.pk}": "130"})
    assert "已自动保存" in response.content.decode()
    draft.refresh_from_db()
    assert draft.content == "自动保存的内容"
    response = client.post(
        reverse("reports:edit", kwargs={"pk": draft.pk}),
        {
            "title": draft.title,
            "content": "正式内容",
            "effect": "",
            f"figure-{people.pk}": "130",
            "submit": "1",
        },
    )
    assert response.url == reverse("reports:detail", kwargs={"pk": draft.pk})
    client.force_login(reviewer)
    assert "正式内容" not in client.get(reverse("reports:queue")).content.decode()
    assert draft.title in client.get(reverse("reports:queue")).content.decode()
    client.post(reverse("reports:queue"), {"report": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == S.ACCEPTED


def test_gps_original_only_for_admins(client, draft, reporter, admin):
    photo = services.add_photo(draft, reporter, photo_bytes(4), "a.jpg")
    client.force_login(reporter)
    assert (
        client.get(reverse("reports:photo", kwargs={"pk": photo.pk, "size": "full"})).status_code
        == 200
    )
    assert (
        client.get(
            reverse("reports:photo", kwargs={"pk": photo.pk, "size": "original"})
        ).status_code
        == 403
    )
    client.force_login(admin)
    assert (
        client.get(
            reverse("reports:photo", kwargs={"pk": photo.pk, "size": "original"})
        ).status_code
        == 200
    )


def test_another_unit_cannot_open_a_report(client, draft, pudong):
    zhoujiadu = OrgUnit.objects.create(name="周家渡街道", kind="subdistrict", parent=pudong)
    client.force_login(make_person("zjd", Role.REPORTER, zhoujiadu))
    for name in ("detail", "edit"):
        assert client.get(reverse(f"reports:{name}", kwargs={"pk": draft.pk})).status_code == 404


def test_versions_can_be_compared(client, draft, reporter, reviewer):
    services.submit_report(draft, reporter)
    services.return_report(draft, reviewer, "请补充成效。")
    services.save_draft(draft, reporter, effect="居民质量意识明显提高。", figures={})
    services.submit_report(draft, reporter)
    client.force_login(reviewer)
    page = client.get(reverse("reports:compare", kwargs={"pk": draft.pk}), {"a": 1, "b": 3})
    text = page.content.decode()
    assert 'class="diff-removed">− 居民反响良好。' in text
    assert 'class="diff-added">+ 居民质量意识明显提高。' in text


def test_a_stale_autosave_never_undoes_a_submission(draft, reporter):
    stale = Report.objects.get(pk=draft.pk)  # loaded by an autosave request still in flight
    services.submit_report(draft, reporter)
    with pytest.raises(ValidationError):
        services.save_draft(stale, reporter, content="迟到的自动保存")
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED and draft.content == "在社区开展质量知识宣传。"


def test_an_oversize_photo_is_refused_before_it_is_read(client, draft, reporter):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(reporter)
    big = SimpleUploadedFile("huge.jpg", photo_bytes(5) + b"\0" * (21 * 1024 * 1024), "image/jpeg")
    response = client.post(
        reverse("reports:edit", kwargs={"pk": draft.pk}),
        {"title": draft.title, "content": draft.content, "photos": [big]},
        follow=True,
    )
    page = response.content.decode()
    assert "“huge.jpg”为 21." in page and "MB，超过 20 MB 上限。" in page
    assert draft.photos.count() == 0
    draft.refresh_from_db()
    assert draft.content == "在社区开展质量知识宣传。"  # what was typed is kept


def test_an_archived_campaign_leaves_the_review_queue(draft, reporter, reviewer, admin):
    from qualitymonth.campaigns.services import archive_campaign, restore_campaign
    from qualitymonth.reports.queries import review_queue

    services.submit_report(draft, reporter)
    assert list(review_queue(reviewer)) == [draft]
    campaign = archive_campaign(draft.item.campaign, admin)
    assert list(review_queue(reviewer)) == []
    restore_campaign(campaign, admin)
    assert list(review_queue(reviewer)) == [draft]

"""The public side of cases: filing with a captcha, the tracking number, following a case, and
the limits a bot meets."""

import pytest
from django.urls import reverse

from qualitymonth.cases import services
from qualitymonth.cases.models import Case
from qualitymonth.portal import views
from tests.reports.conftest import photo_bytes

FORM = {
    "subject": "电动自行车",
    "business_name": "某某车行",
    "business_address": "浦东新区某路1号",
    "description": "买后三天电池无法充电。",
    "contact_name": "张三丰",
    "mobile": "138 1234 1234",
    "id_number": "",
    "captcha_0": "any-key",
    "captcha_1": "PASSED",
}


def new_url(kind="complaint"):
    return reverse("portal:case_new", args=[kind])


def test_the_kinds_page_lists_the_four_kinds(client, db):
    page = client.get(reverse("portal:case_kinds")).content.decode()
    for label in ("咨询", "投诉", "举报", "检测鉴定"):
        assert label in page


def test_a_citizen_files_a_complaint_with_a_photo_and_sees_the_tracking_number(
    client, service, captcha_test_mode, tmp_path
):
    page = client.get(new_url()).content.decode()
    assert "验证码" in page and 'name="captcha_1"' in page
    photo = tmp_path / "IMG_1.JPG"
    photo.write_bytes(photo_bytes(1))
    with photo.open("rb") as upload:
        response = client.post(new_url(), {**FORM, "photos": [upload]})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.mobile == "13812341234" and case.photos.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert case.tracking_number in page


def test_a_wrong_captcha_is_refused(client, service):
    """Without the test mode: a wrong answer to a real challenge files nothing."""
    page = client.get(new_url()).content.decode()
    key = page.split('name="captcha_0" value="')[1].split('"')[0]
    response = client.post(new_url(), {**FORM, "captcha_0": key, "captcha_1": "WRONG"})
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    assert not Case.objects.exists()


def test_the_right_captcha_answer_is_accepted(client, service):
    from captcha.models import CaptchaStore

    page = client.get(new_url()).content.decode()
    key = page.split('name="captcha_0" value="')[1].split('"')[0]
    client.get(reverse("captcha-image", args=[key]))  # the browser draws the picture
    answer = CaptchaStore.objects.get(hashkey=key).response
    assert (
        client.post(new_url(), {**FORM, "captcha_0": key, "captcha_1": answer}).status_code == 302
    )


def test_business_fields_are_required_for_complaints_not_consultations(
    client, service, captcha_test_mode
):
    data = {**FORM, "business_name": "", "business_address": ""}
    assert client.post(new_url("complaint"), data).status_code == 400
    assert client.post(new_url("consultation"), data).status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mobile", "1381234", "11 位手机号码"),
        ("id_number", "110105194912310021", "身份证号码不正确"),
    ],
)
def test_bad_contact_details_are_named(client, service, captcha_test_mode, field, value, message):
    response = client.post(new_url(), {**FORM, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_bad_photo_is_named_and_nothing_is_saved(client, service, captcha_test_mode, tmp_path):
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"%PDF-1.4 not a photo")
    with fake.open("rb") as upload:
        response = client.post(new_url(), {**FORM, "photos": [upload]})
    assert response.status_code == 400
    assert "fake.jpg" in response.content.decode()
    assert not Case.objects.exists()


def test_no_intake_unit_means_a_clear_closed_page(client, db):
    response = client.get(new_url())
    assert response.status_code == 503
    assert "12315" in response.content.decode()


def test_filing_is_rate_limited_per_mobile_number(client, service, captcha_test_mode, monkeypatch):
    monkeypatch.setattr(views, "CASE_SUBMIT_PER_MOBILE", views.Rate(2, 86400))
    for _ in range(2):
        assert client.post(new_url(), FORM).status_code == 302
    response = client.post(new_url(), FORM)
    assert response.status_code == 429
    assert "同一手机号每天最多 2 次" in response.content.decode()
    # Another number from the same address still gets through.
    assert client.post(new_url(), {**FORM, "mobile": "13900001111"}).status_code == 302
    assert Case.objects.count() == 3


def test_filing_is_rate_limited_per_address_even_with_wrong_captchas(client, service, monkeypatch):
    monkeypatch.setattr(views, "CASE_SUBMIT_PER_ADDRESS", views.Rate(3, 3600))
    for _ in range(3):
        assert client.post(new_url(), {**FORM, "captcha_1": "WRONG"}).status_code == 400
    response = client.post(new_url(), FORM)
    assert response.status_code == 429
    assert "同一网络地址每小时最多 3 次" in response.content.decode()
    other = client.post(new_url(), {**FORM, "captcha_1": "WRONG"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 400  # another address is not affected


# Following -----------------------------------------------------------------------------------


@pytest.fixture
def complaint(bureau, service):
    case = services.submit_case(
        services.CaseInput(
            kind="complaint",
            org_unit=bureau,
            subject="电动自行车",
            description="电池无法充电。",
            contact_name="张三丰",
            mobile="13812341234",
            id_number="11010519491231002X",
            business_name="某某车行",
            business_address="某路1号",
        )
    )
    services.add_note(case, service, "内部：商家态度恶劣。")
    services.reply_case(case, service, "已联系商家，请携带发票到店。")
    return case


def test_following_shows_status_and_public_steps_only(client, complaint):
    response = client.post(
        reverse("portal:case_follow"),
        {"tracking_number": complaint.tracking_number.lower(), "mobile": "13812341234"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "待受理" in page and "已联系商家，请携带发票到店。" in page
    assert "内部：商家态度恶劣。" not in page
    assert "13812341234" not in page and "11010519491231002X" not in page


@pytest.mark.parametrize(
    ("number", "mobile"),
    [("own", "13900001111"), ("ZJ2099010100001", "13812341234"), ("own", "")],
)
def test_a_wrong_pair_gets_one_uniform_answer(client, complaint, number, mobile):
    number = complaint.tracking_number if number == "own" else number
    response = client.post(
        reverse("portal:case_follow"), {"tracking_number": number, "mobile": mobile}
    )
    page = response.content.decode()
    assert "电动自行车" not in page and "已联系商家" not in page
    if mobile:
        assert response.status_code == 200
        assert "受理编号与手机号码不匹配，或编号不存在" in page


def test_following_is_rate_limited_per_address(client, complaint, monkeypatch):
    monkeypatch.setattr(views, "CASE_FOLLOW_PER_ADDRESS", views.Rate(3, 3600))
    data = {"tracking_number": complaint.tracking_number, "mobile": "13900000000"}
    for _ in range(3):
        assert "不匹配" in client.post(reverse("portal:case_follow"), data).content.decode()
    data["mobile"] = "13812341234"  # even the right pair waits now
    response = client.post(reverse("portal:case_follow"), data)
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()


def test_the_submitted_page_without_a_filing_goes_to_follow(client, db):
    response = client.get(reverse("portal:case_submitted"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:case_follow")

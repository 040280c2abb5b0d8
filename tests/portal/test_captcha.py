"""The captcha of the public forms costs nothing to look at: viewing a form writes no row
anywhere; the challenge is stored when its picture is drawn, checked once on submission, and
expired ones are swept."""

import re

import pytest
from captcha.models import CaptchaStore
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from qualitymonth.cases.models import Case, CaseKind
from qualitymonth.core import antiabuse

from .test_cases import FORM

VIEWS = 5


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


@pytest.fixture
def public_form_pages(service, quiz, make_event):
    """Every public page that shows a form with a captcha."""
    event = make_event(capacity=10)
    pages = [reverse("portal:event", args=[event.pk])]
    pages += [reverse("portal:case_new", args=[kind]) for kind in CaseKind.values]
    pages.append(reverse("quizzes:public_quiz", args=[quiz.pk]))
    return pages


def captcha_of(page: str) -> tuple[str, str]:
    key = re.search(r'name="captcha_0" value="([0-9a-f]+)"', page).group(1)
    image = re.search(r'<img src="([^"]+)" alt="验证码图片"', page).group(1)
    return key, image


def test_viewing_public_forms_writes_no_row_anywhere(client, public_form_pages):
    before = row_counts()
    for url in public_form_pages:
        for _ in range(VIEWS):
            response = client.get(url)
            assert response.status_code == 200
            assert 'name="captcha_1"' in response.content.decode()
    assert row_counts() == before


def test_the_challenge_is_stored_when_its_picture_is_drawn_and_checked_once(client, service):
    url = reverse("portal:case_new", args=["complaint"])
    key, image = captcha_of(client.get(url).content.decode())
    picture = client.get(image)
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert client.get(image).content == picture.content  # the same picture when reloaded
    answer = CaptchaStore.objects.get(hashkey=key).response
    response = client.post(url, {**FORM, "captcha_0": key, "captcha_1": answer})
    assert response.status_code == 302 and Case.objects.count() == 1
    # Spent: the same answer again is refused.
    again = client.post(url, {**FORM, "captcha_0": key, "captcha_1": answer})
    assert again.status_code == 400 and "验证码不正确" in again.content.decode()
    assert Case.objects.count() == 1


def test_a_form_sent_without_loading_the_picture_is_refused(client, service):
    url = reverse("portal:case_new", args=["complaint"])
    key, _image = captcha_of(client.get(url).content.decode())
    response = client.post(url, {**FORM, "captcha_0": key, "captcha_1": "ABCD"})
    assert response.status_code == 400 and not Case.objects.exists()


def test_a_made_up_or_stale_key_draws_no_picture(client, db):
    made_up = "0" * 40
    assert client.get(reverse("captcha-image", args=[made_up])).status_code == 404
    stale = antiabuse.captcha_key(now=timezone.now().timestamp() - 11 * 60)
    assert client.get(reverse("captcha-image", args=[stale])).status_code == 404
    tampered = antiabuse.captcha_key()[:-1] + "x"
    assert client.get(reverse("captcha-image", args=[tampered])).status_code == 404
    assert not CaptchaStore.objects.exists()


def test_another_picture_writes_nothing_until_it_is_drawn(client, db):
    response = client.get(reverse("captcha-refresh"), HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    data = response.json()
    assert re.fullmatch(r"[0-9a-f]{40}", data["key"])
    assert data["image_url"] == reverse("captcha-image", args=[data["key"]])
    assert not CaptchaStore.objects.exists()
    assert client.get(data["image_url"]).status_code == 200
    assert CaptchaStore.objects.filter(hashkey=data["key"]).exists()


def test_expired_challenges_are_swept(client, db):
    CaptchaStore.objects.create(
        challenge="ABCD", response="abcd", expiration=timezone.now() - timezone.timedelta(1)
    )
    client.get(reverse("captcha-image", args=[antiabuse.captcha_key()]))
    assert list(CaptchaStore.objects.values_list("challenge", flat=True)) != ["ABCD"]
    assert not CaptchaStore.objects.filter(expiration__lte=timezone.now()).exists()

"""Rate limits in the cache and the captcha form base."""

import pytest
from django import forms
from django.test import RequestFactory

from qualitymonth.core.antiabuse import (
    CaptchaForm,
    Rate,
    RateLimited,
    challenge,
    hit,
    limit_address,
    limit_mobile,
)


@pytest.fixture(autouse=True)
def _cache(fresh_cache):
    return fresh_cache


def test_a_rate_allows_its_count_then_refuses_with_a_chinese_message():
    rate = Rate(3, 3600)
    for _ in range(3):
        hit("test", "ip", "1.2.3.4", rate, label="同一网络地址")
    with pytest.raises(RateLimited) as caught:
        hit("test", "ip", "1.2.3.4", rate, label="同一网络地址")
    assert "同一网络地址每小时最多 3 次" in caught.value.message
    assert "分钟后再试" in caught.value.message
    assert 0 < caught.value.retry_after <= 3600
    hit("test", "ip", "5.6.7.8", rate, label="同一网络地址")  # others unaffected
    hit("other", "ip", "1.2.3.4", rate, label="同一网络地址")  # other buckets unaffected


def test_mobile_numbers_count_by_their_digits():
    rate = Rate(1, 86400)
    limit_mobile("138 1234 1234", "t", rate)
    with pytest.raises(RateLimited, match="同一手机号每天最多 1 次"):
        limit_mobile("13812341234", "t", rate)


def test_the_address_comes_from_the_request(settings):
    rate = Rate(1, 60)
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.1.1")
    limit_address(request, "t", rate)
    with pytest.raises(RateLimited, match="每分钟"):
        limit_address(request, "t", rate)


def test_cache_keys_hold_no_personal_data():
    from django.core.cache import cache

    limit_mobile("13812341234", "t", Rate(5, 60))
    keys = list(cache._cache.keys())
    assert keys and not any("13812341234" in key for key in keys)


def test_the_challenge_avoids_confusable_characters():
    for _ in range(50):
        text, answer = challenge()
        assert text == answer and len(text) == 4
        assert not set(text) & set("0O1IL2Z5S8B")


def test_the_captcha_comes_last_in_any_public_form(db):
    class RegistrationForm(CaptchaForm):
        name = forms.CharField()
        mobile = forms.CharField()

    assert list(RegistrationForm().fields) == ["name", "mobile", "captcha"]


def test_invisible_control_characters_are_dropped_before_checking(db, captcha_test_mode):
    """Text pasted from Word brings vertical tabs and the like: kept as the person sees it."""

    class Form(CaptchaForm):
        name = forms.CharField()
        account = forms.CharField(widget=forms.Textarea)

    answer = {"captcha_0": "x", "captcha_1": captcha_test_mode}
    form = Form({"name": "张\x0b三\x1b", "account": "第一行\r\n\t第二行\x08", **answer})
    assert form.is_valid()
    assert form.cleaned_data["name"] == "张三"
    assert form.cleaned_data["account"] == "第一行\r\n\t第二行"
    form = Form({"name": "\x1b\x08", "account": "x", **answer})
    assert not form.is_valid() and form.errors["name"] == ["这个字段是必填项。"]

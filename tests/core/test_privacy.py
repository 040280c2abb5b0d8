import pytest

from qualitymonth.core.privacy import mask_id_number, mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("021-68824341", "021-****4341"),
        ("68824341", "****4341"),
        ("", ""),
    ],
)
def test_phones_are_masked(phone, masked):
    assert mask_phone(phone) == masked


def test_id_numbers_are_masked():
    assert mask_id_number("31011519900101123X") == "310115********123X"
    assert mask_id_number("12345") == "*****"

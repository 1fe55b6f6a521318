"""The personal-data guard's detector: what counts as personal data, what does not, masking."""

from __future__ import annotations

import pytest

from participation.moderation.personal_data import (
    KIND_LABELS,
    Finding,
    find_personal_data,
    mask,
    remove,
)

# GB 11643-1999, written out here rather than imported, so a wrong table in the module fails.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


VALID_ID = with_check_character("51010419900307123")  # Chengdu, born 1990-03-07
VALID_ID_X = with_check_character("51010719850612100")
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def found(text: str) -> list[tuple[str, str]]:
    return [(finding.kind, finding.text) for finding in find_personal_data(text)]


def test_the_check_characters_used_below_are_what_the_standard_gives() -> None:
    assert VALID_ID == "510104199003071237"
    assert VALID_ID_X == "51010719850612100X"
    # The worked example of GB 11643-1999 itself.
    assert with_check_character("11010519491231002") == "11010519491231002X"


@pytest.mark.parametrize(
    "id_number",
    [
        VALID_ID,
        VALID_ID_X,
        VALID_ID_X.lower(),
        "11010519491231002X",
        VALID_ID.translate(FULL_WIDTH),
        VALID_ID_X.translate(FULL_WIDTH),
    ],
)
def test_an_id_number_with_a_valid_check_character_is_found(id_number: str) -> None:
    text = f"身份证号：{id_number}。"
    assert find_personal_data(text) == [Finding("id_number", 5, 23, id_number)]


def test_an_id_number_written_in_groups_is_found() -> None:
    grouped = f"{VALID_ID[:6]} {VALID_ID[6:14]} {VALID_ID[14:]}"
    assert found(f"ID {grouped}") == [("id_number", grouped)]


@pytest.mark.parametrize("check_character", list("0123456789X"))
def test_each_of_the_eleven_check_characters_is_accepted_where_it_is_right(
    check_character: str,
) -> None:
    id_number = next(
        candidate
        for sequence in range(1000)
        if (candidate := with_check_character(f"51010419900307{sequence:03}"))[-1]
        == check_character
    )
    assert found(id_number) == [("id_number", id_number)]


@pytest.mark.parametrize("wrong", sorted(set("0123456789X") - {VALID_ID[-1]}))
def test_an_id_number_with_a_wrong_check_character_is_not_found(wrong: str) -> None:
    assert find_personal_data(VALID_ID[:17] + wrong) == []


@pytest.mark.parametrize(
    "first17",
    [
        "51010419900230123",  # 30 February (and its check character would be X)
        "51010419901301123",  # month 13
        "51010419900132123",  # 32 January
        "51010418991231123",  # before 1900
        "51010421000101123",  # after 2099
    ],
)
def test_an_id_number_with_an_impossible_birth_date_is_not_found(first17: str) -> None:
    assert find_personal_data(with_check_character(first17)) == []


@pytest.mark.parametrize(
    "text",
    [
        "013812345678",  # a mobile with a digit in front
        "138123456789",  # and behind
        "6222021381234567890",  # bank card holding a mobile-looking run
        "6222 0213 8123 4567 890",  # the same card in groups of four
        "6222 1381 2345 6789 012",
        "0.13812345678",  # a decimal
        "1" + VALID_ID,  # an ID inside a longer run
        VALID_ID + "1",
        "028855512345",  # a landline with a digit behind
        "9028-85551234",  # and in front
        "电话：855512345",  # nine digits after a phone word
    ],
)
def test_numbers_inside_longer_digit_runs_are_not_found(text: str) -> None:
    assert find_personal_data(text) == []


@pytest.mark.parametrize(
    "mobile",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "138 - 1234 - 5678",
        "+86 13812345678",
        "+8613812345678",
        "86-138-1234-5678",
        "0086 138 1234 5678",
        "(+86)13812345678",
        "１３８１２３４５６７８",
        "１３８－１２３４－５６７８",
        "＋８６　１３８１２３４５６７８",
    ],
)
def test_a_mobile_number_is_found_however_it_is_written_and_masked_alike(mobile: str) -> None:
    text = f"请打{mobile}谢谢"
    assert find_personal_data(text) == [Finding("mobile", 2, 2 + len(mobile), mobile)]
    assert mask(text) == "请打138****5678谢谢"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_every_mobile_prefix_from_13_to_19_is_found(prefix: str) -> None:
    assert found(f"{prefix}912345678") == [("mobile", f"{prefix}912345678")]


@pytest.mark.parametrize("number", ["12345678901", "10012345678", "11012345678", "20345678901"])
def test_eleven_digits_not_starting_13_to_19_are_not_a_mobile(number: str) -> None:
    assert find_personal_data(number) == []


@pytest.mark.parametrize(
    ("landline", "masked"),
    [
        ("028-85551234", "028-******34"),
        ("02885551234", "028-******34"),
        ("(028)85551234", "028-******34"),
        ("（０２８）８５５５１２３４", "028-******34"),
        ("028 8555 1234", "028-******34"),
        ("010-62345678", "010-******78"),
        ("0571-87654321", "0571-******21"),
        ("0832-2345678", "0832-*****78"),
    ],
)
def test_a_landline_with_an_area_code_is_found_and_masked(landline: str, masked: str) -> None:
    text = f"办公室 {landline}。"
    assert find_personal_data(text) == [Finding("landline", 4, 4 + len(landline), landline)]
    assert mask(text) == f"办公室 {masked}。"


@pytest.mark.parametrize(
    "text",
    ["电话：85551234", "座机 8555 1234", "Tel: 85551234", "TEL85551234", "联系我 85551234"],
)
def test_a_bare_local_number_is_found_just_after_a_phone_word(text: str) -> None:
    [finding] = find_personal_data(text)
    assert finding.kind == "landline"
    assert finding.text == text[finding.start :].strip()
    assert mask(text) == text[: finding.start] + "******34"


@pytest.mark.parametrize(
    "text",
    [
        "85551234",
        "编号 85551234",
        "电话在社区活动中心旁边 85551234",  # the phone word is too far away
        "hotel 85551234",  # "tel" only at the start of a word
    ],
)
def test_a_bare_local_number_without_a_phone_word_nearby_is_not_found(text: str) -> None:
    assert find_personal_data(text) == []


@pytest.mark.parametrize(
    ("text", "address", "masked"),
    [
        ("住在3栋2单元501室", "3栋2单元501室", "住在3栋2单元***室"),
        ("3栋501室", "3栋501室", "3栋***室"),
        ("5号楼2单元1201", "5号楼2单元1201", "5号楼2单元****"),
        ("2幢302室，欢迎", "2幢302室", "2幢***室，欢迎"),
        ("12号院3号楼4单元502", "12号院3号楼4单元502", "12号院3号楼4单元***"),
        ("B座1203号", "B座1203号", "B座****号"),
        ("３栋２单元５０１室", "３栋２单元５０１室", "３栋２单元***室"),
    ],
)
def test_an_address_with_a_room_number_is_found_and_its_room_masked(
    text: str, address: str, masked: str
) -> None:
    assert found(text) == [("address", address)]
    assert mask(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "3栋",
        "5号楼",
        "3栋2单元",
        "在5号楼门口集合",
        "3号楼2026年翻新",  # a year after a building is no room
        "3栋1280元",
        "社区中心3楼301会议室",  # a room named by its use is a public room
    ],
)
def test_a_building_without_a_room_number_is_not_found(text: str) -> None:
    assert find_personal_data(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "¥12800",
        "12800元",
        "1,280.50",
        "￥1,280.50 元",
        "2026-12-04",
        "2026年12月4日",
        "20261204",
        "20:00",
        "2026-12-04 20:00",
        "P-0012",
        "A区-03",
        "ABCDE-FGHJK",
        "7K3MX-Q9P2R",
        "02885-51234",  # a household code can be all digits
        "50000 supports",
        "第1条",
        "v2.3.1",
        "version 10.13.2",
        "订单 20261204123456",
        "",
    ],
)
def test_everyday_numbers_and_codes_are_not_personal_data(text: str) -> None:
    assert find_personal_data(text) == []
    assert mask(text) == text


def test_several_findings_come_in_order_with_offsets_into_the_original_text() -> None:
    text = (
        f"🌸 手机１３８１２３４５６７８，座机028-85551234，"
        f"住3栋2单元501室，身份证{VALID_ID_X}，电话 8555 1234"
    )
    findings = find_personal_data(text)
    assert [(finding.kind, finding.text) for finding in findings] == [
        ("mobile", "１３８１２３４５６７８"),
        ("landline", "028-85551234"),
        ("address", "3栋2单元501室"),
        ("id_number", VALID_ID_X),
        ("landline", "8555 1234"),
    ]
    assert findings[0].start == 4
    assert all(text[finding.start : finding.end] == finding.text for finding in findings)
    assert [finding.start for finding in findings] == sorted(finding.start for finding in findings)
    assert mask(text) == (
        "🌸 手机138****5678，座机028-******34，"
        "住3栋2单元***室，身份证51***************X，电话 ******34"
    )


def test_a_masked_id_number_keeps_no_birth_date_and_no_sex_digit() -> None:
    masked = mask(VALID_ID)
    assert masked == "51" + "*" * 15 + "7"
    assert "1990" not in masked and "0307" not in masked
    assert mask(VALID_ID_X.lower()) == "51***************X"


def test_mask_masks_only_the_findings_it_is_given() -> None:
    text = "13812345678 和 13912345678"
    _, second = find_personal_data(text)
    assert mask(text, [second]) == "13812345678 和 139****5678"
    assert mask(text, []) == text


def test_mask_refuses_findings_from_another_text() -> None:
    [finding] = find_personal_data("13812345678")
    with pytest.raises(ValueError):
        mask("电话13812345678", [finding])


def test_every_kind_found_has_a_label() -> None:
    text = f"13812345678 028-85551234 {VALID_ID} 3栋2单元501室"
    kinds = {finding.kind for finding in find_personal_data(text)}
    assert kinds == set(KIND_LABELS) == {"mobile", "landline", "id_number", "address"}


def test_remove_takes_the_findings_out_and_closes_the_gap() -> None:
    assert remove("请打 138 1234 5678 找我") == "请打 找我"
    assert remove("电话：13812345678，谢谢") == "电话：，谢谢"
    assert remove("没有个人信息") == "没有个人信息"

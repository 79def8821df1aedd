"""Password policy (zxcvbn + length) and user-name normalisation and restriction."""

from __future__ import annotations

import pytest

from miniapp_api.identity.passwords import (
    MIN_LENGTH,
    PolicyError,
    check_password,
    normalise_password,
    normalise_username,
    username_skeleton,
)


@pytest.mark.parametrize(
    "password",
    [
        "12345678",  # the review's example
        " " * 12,  # blanks
        "1234567890",
        "password123!",
        "qwertyuiop",
        "1qaz2wsx3edc",  # keyboard walk
        "woaini13141314",  # pinyin 我爱你 + 1314: only our local word list catches it
        "jiangchuan12345",  # the city's name
        "a" * 100,  # long but a repeat
        "short1!",  # under the minimum
    ],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(PolicyError) as info:
        check_password(password)
    assert info.value.field == "password" and info.value.code == "weak_password"


def test_minimum_length_even_for_a_random_string():
    with pytest.raises(PolicyError, match=f"at least {MIN_LENGTH}"):
        check_password("xK9#mQ2!v")  # 9 random characters


def test_the_account_name_does_not_count_as_strength():
    assert check_password("zhou-window-desk") == "zhou-window-desk"
    with pytest.raises(PolicyError):
        check_password("lixiaoming2026", user_inputs=("lixiaoming",))
    assert check_password("lixiaoming2026")  # the same password for another account is fine


@pytest.mark.parametrize("password", ["admin-pass-123", "correct horse battery staple", "Tr0ub4dour&3-guards"])
def test_strong_passwords_pass(password):
    assert check_password(password) == password


def test_control_characters_and_non_strings_are_refused():
    with pytest.raises(PolicyError):
        check_password("correct horse\x00battery staple")
    with pytest.raises(PolicyError):
        check_password(12345678901)


def test_password_is_compared_in_nfkc():
    assert normalise_password("ｃｏｒｒｅｃｔ horse") == "correct horse"
    assert check_password("ｃｏｒｒｅｃｔ horse battery staple") == "correct horse battery staple"


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("admin", "admin"),
        ("Admin", "admin"),
        ("  admin ", "admin"),
        ("ＡＤＭＩＮ", "admin"),  # full-width
        ("zhou.li_2", "zhou.li_2"),
        ("Straße", "strasse"),
    ],
)
def test_usernames_are_normalised(raw, name):
    assert normalise_username(raw) == name


@pytest.mark.parametrize(
    "raw",
    [
        "аdmin",  # Cyrillic а
        "admin\x00",
        "ad min",
        "管理员",
        "",
        "   ",
        ".admin",
        "admin-",
        "a" * 33,
        None,
    ],
)
def test_usernames_outside_the_alphabet_are_refused(raw):
    with pytest.raises(PolicyError) as info:
        normalise_username(raw)
    assert info.value.field == "username" and info.value.code == "invalid_username"


def test_look_alike_names_share_a_skeleton():
    assert username_skeleton("adm1n") == username_skeleton("admin") == username_skeleton("ad-min")
    assert username_skeleton("rnike") == username_skeleton("mike")
    assert username_skeleton("zhou0") == username_skeleton("zhouo")
    assert username_skeleton("editor") != username_skeleton("admin")
    assert username_skeleton("agent2") != username_skeleton("agent3")

"""Fixtures of the resident tests: WeChat configured (mocked over HTTP with ``responses``)."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WECHAT_APP_ID": "wx-test-app", "WECHAT_APP_SECRET": "test-secret"}


def valid_id(first17: str) -> str:
    """Complete 17 digits with the GB 11643 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]

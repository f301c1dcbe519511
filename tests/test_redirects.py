"""Forms send users back only to paths on this site."""

import pytest

from app.redirects import same_site_path


@pytest.mark.parametrize(
    "target", ["/", "/staff/", "/funding/?q=cyber&page=2", "/funding/opportunities/7#saved"]
)
def test_paths_on_this_site_are_kept(target):
    assert same_site_path(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example.com/",
        "//evil.example.com/",
        "/\\evil.example.com/",  # "\" is "/" to a browser
        "/\\/evil.example.com/",
        "/\t/evil.example.com/",  # tabs and line breaks are dropped by a browser
        "/\n/evil.example.com/",
        "/\r\nSet-Cookie: x=1",
        "staff/",
        "javascript:alert(1)",
    ],
)
def test_anything_that_could_leave_the_site_is_refused(target):
    assert same_site_path(target) is None

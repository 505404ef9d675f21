"""Assertions shared by the test modules."""


def assert_redirects_to(response, url):
    """A redirect, and to exactly this URL: a 302 alone would also pass a bounce to the login page."""
    assert response.status_code == 302, f"{response.status_code}, not a redirect to {url}"
    assert response["Location"] == url

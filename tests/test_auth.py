"""Accounts: logging in and out, resetting a forgotten password, who may enter the admin."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

PASSWORD = "a-long-enough-password-17"

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return get_user_model().objects.create_user("amani", "amani@example.org", PASSWORD)


@pytest.fixture
def staff():
    return get_user_model().objects.create_user("neema", "neema@example.org", PASSWORD, is_staff=True)


NEW_PASSWORD = "a-brand-new-password-42"


def logged_in_username(client):
    return client.session.get("_auth_user_id")


def emailed_reset_link():
    return re.search(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)", mail.outbox[-1].body).group(1)


def choose_new_password(client, link):
    """Open the emailed link (it redirects to a form) and submit a new password."""
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)


def test_the_login_page_is_protected_against_cross_site_requests(member):
    client = Client(enforce_csrf_checks=True)

    page = client.get("/accounts/login/")
    forged = client.post("/accounts/login/", {"username": "amani", "password": PASSWORD})

    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert forged.status_code == 403
    assert logged_in_username(client) is None


def test_a_member_logs_in_and_sees_their_name_and_a_logout_button(client, member):
    response = client.post("/accounts/login/", {"username": "amani", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/accounts/password_change/").content.decode()
    assert ">amani<" in page
    assert re.search(r'<form action="/accounts/logout/" method="post">', page)


def test_a_wrong_password_is_refused_with_a_message(client, member):
    response = client.post("/accounts/login/", {"username": "amani", "password": "not-the-password"})

    assert response.status_code == 200
    assert "The username and password do not match" in response.content.decode()
    assert logged_in_username(client) is None


def test_logging_out_takes_a_post_and_ends_the_session(client, member):
    client.force_login(member)

    refused = client.get("/accounts/logout/")
    assert refused.status_code == 405
    assert logged_in_username(client) is not None

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert logged_in_username(client) is None


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, member):
    response = client.post("/accounts/password_reset/", {"email": "amani@example.org"})
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amani@example.org"]

    done = choose_new_password(client, emailed_reset_link())

    assert "Your password has been changed" in done.content.decode()
    assert not logs_in(client, "amani", PASSWORD)
    assert logs_in(client, "amani", NEW_PASSWORD)


def test_a_used_reset_link_no_longer_works(client, member):
    client.post("/accounts/password_reset/", {"email": "amani@example.org"})
    link = emailed_reset_link()
    choose_new_password(client, link)

    again = client.get(link, follow=True)

    assert "This link no longer works" in again.content.decode()


def test_no_email_goes_to_an_unknown_address_and_the_page_does_not_tell(client, member):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"}, follow=True)

    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_the_admin_sends_a_member_who_is_not_staff_to_its_login(client, member):
    client.force_login(member)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_admin_lets_staff_in(client, staff):
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Log out" in response.content.decode()


def logs_in(client, username, password):
    """Whether the login form accepts these credentials (the way a person logs in)."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


def test_repeated_wrong_passwords_lock_the_account_out_from_that_address_for_a_while(client, member, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for attempt in range(3):
        response = client.post("/accounts/login/", {"username": "amani", "password": f"wrong-{attempt}"})

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    # Even the right password is refused until the cool-off has passed.
    assert not logs_in(client, "amani", PASSWORD)

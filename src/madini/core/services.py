import secrets

from django.contrib.auth import get_user_model

DEMO_USERNAME = "demo"


def reset_demo_account():
    """Create the demo staff account, or give it back its rights, with a new random password; return the password."""
    user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.is_active = user.is_staff = user.is_superuser = True
    user.save()
    return password

"""A bare Django project: one JSON view, and Django's standard middleware unless
``FLOOR_MIDDLEWARE=none``. No database is configured: the view reads none, as an API's floor
should not, so what is measured is the framework's request cycle on this machine.

``FLOOR_MIDDLEWARE=signed-in``: the same middleware with sessions and users in PostgreSQL
(``FLOOR_DATABASE_URL``, a database of its own), and the view answers only a signed-in user, with
the user's (empty) list of permissions read by one query: Django's floor for what IndigoMed's
signed-in floor does (a session read, a user read, one list).

``FLOOR_MIDDLEWARE=two-reads``: the standard middleware, and the view sends two statements of its
own on a persistent connection to that database, no ORM: the session row of the request's cookie,
and one (empty) list. What the two round trips every signed-in API request makes cost on this
machine, with nothing of a framework's own around them.

``FLOOR_MIDDLEWARE=list-statements``: as ``two-reads``, with the four statements a member's own
list sends (bench/profile_floor.py ``--sql own``): the session row, the list, a row written to an
access log (committed on its own, as a logged read is) and a second read (the details): the
ceiling for a member's list on this machine.

``FLOOR_MIDDLEWARE=pgbench-sql``: the standard middleware, and ``POST /api/book`` runs the
transaction pgbench runs for the booking benchmark (bench/booking_http.py), statement by statement
through Django's connection, no ORM, on the benchmark's own database (``FLOOR_DATABASE_URL``), for
a slot and a member drawn at random as pgbench draws them (``FLOOR_BOOKING``: first and last slot,
first and last member). What Django's request cycle leaves of pgbench's rate for that same SQL:
the ceiling for any booking served by Django on this machine."""

import os
import secrets

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(32)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "floor.urls"
WSGI_APPLICATION = "floor.wsgi.application"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
]
# The middleware `django-admin startproject` writes, in its order.
STANDARD_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
MIDDLEWARE = [] if os.environ.get("FLOOR_MIDDLEWARE") == "none" else STANDARD_MIDDLEWARE
SIGNED_IN = os.environ.get("FLOOR_MIDDLEWARE") == "signed-in"
TWO_READS = os.environ.get("FLOOR_MIDDLEWARE") == "two-reads"
LIST_STATEMENTS = os.environ.get("FLOOR_MIDDLEWARE") == "list-statements"
PGBENCH_SQL = os.environ.get("FLOOR_MIDDLEWARE") == "pgbench-sql"
DATABASES: dict[str, dict[str, object]] = {}
if SIGNED_IN or TWO_READS or LIST_STATEMENTS or PGBENCH_SQL:
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(os.environ["FLOOR_DATABASE_URL"], conn_max_age=600)}
    # As IndigoMed's benchmark server: statements prepared on the server after a few runs.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
# Django's sessions only where Django reads them; the bare views read the session row themselves
# (the middleware then leaves the cookie alone), and sessions no request opens need no store.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.db"
    if SIGNED_IN
    else "django.contrib.sessions.backends.cache"
    if TWO_READS or LIST_STATEMENTS
    else "django.contrib.sessions.backends.signed_cookies"
)
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

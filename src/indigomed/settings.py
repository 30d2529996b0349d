"""IndigoMed settings: one module, every value from the environment through small typed helpers.

With no environment at all this runs the embedded demo (SQLite under ``var/``, console e-mail).
``DATABASE_URL`` switches to PostgreSQL; ``INDIGOMED_ENV=production`` refuses demo secrets.
"""

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def envsecret(name: str) -> str:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, "")


BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env("INDIGOMED_VAR_DIR", str(Path.cwd() / "var")))

# A mistyped mode ("prod", "Production") must not quietly run with the development key.
INDIGOMED_ENV = env("INDIGOMED_ENV", "development")
if INDIGOMED_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"INDIGOMED_ENV must be 'development' or 'production', not {INDIGOMED_ENV!r}")
PRODUCTION = INDIGOMED_ENV == "production"
# Off unless asked for, the demo included: Django's debug pages list every URL pattern and show
# tracebacks with settings to whoever browses. ``DEBUG=1`` is for a developer's own machine.
DEBUG = envbool("DEBUG", default=False)
if DEBUG and PRODUCTION:
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG)")

SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production")
    # A development-only key; production refuses to start without its own.
    SECRET_KEY = "indigomed-development-only-not-a-secret"  # noqa: S105

ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o]
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # allauth.mfa's list of passkeys says "last used 3 days ago" with it.
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "indigomed.accounts",
    "indigomed.directory",
    "indigomed.scheduling",
    "indigomed.records",
    "indigomed.security",
    "indigomed.messaging",
    "indigomed.privacy",
    "indigomed.rights",
    "indigomed.interop",
    "indigomed.notices",
    "indigomed.demo",
    # Template tags every room's pages share (times and distances as the reader writes them).
    "indigomed.web",
    "indigomed.search",
    "indigomed.traffic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Each portal on its own host name when settings name one (a no-op otherwise).
    "indigomed.web.hosts.PortalHostsMiddleware",
    # Above WhiteNoise, so static files lose the server's version too.
    "indigomed.web.middleware.PrivateResponseHeadersMiddleware",
    # Above WhiteNoise too, so static files carry the Content-Security-Policy (SEC-1); built once.
    "indigomed.web.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "indigomed.web.middleware.ApiErrorsAsJsonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language: the session's choice, else the browser's (indigomed.web.language).
    "indigomed.web.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, loading the user together with their roles (indigomed.accounts.authentication).
    "indigomed.accounts.authentication.AuthenticationMiddleware",
    # Django's messages, their store made only when a page uses it (indigomed.web.middleware).
    "indigomed.web.middleware.MessagesWhenUsedMiddleware",
    # After a sign-in, the first page a member opens asks once about a new notice version (NOTICE-1).
    "indigomed.notices.asking.AskAfterSignInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Idle and absolute session limits per role (SESSION_LIMITS below).
    "indigomed.web.session_expiry.SessionExpiryMiddleware",
    # No patient data for staff before a second factor in this session (SEC-1, MFA_* below).
    "indigomed.web.second_factor_middleware.SecondFactorMiddleware",
    # A guardian acting for a dependent (CHILD-3): member pages are then about the dependent.
    "indigomed.accounts.acting_for.ActingForMiddleware",
    "indigomed.web.middleware.RequestSizeLimitMiddleware",
    # TRAFFIC-1: a page view recorded, pseudonymized, only with analytics consent and no GPC signal.
    "indigomed.traffic.middleware.TrafficMiddleware",
]

ROOT_URLCONF = "indigomed.urls"
WSGI_APPLICATION = "indigomed.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "indigomed.web.context.portal",
                "django.template.context_processors.i18n",
                "indigomed.web.consent.context",
                "indigomed.accounts.acting_for.acting",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Server-side parameters keep each query's text constant, so psycopg prepares the hot
        # ones (search, booking) once per connection and PostgreSQL stops re-planning them.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["server_side_binding"] = envbool("DB_SERVER_SIDE_BINDING", True)
        # Django leaves psycopg's automatic preparation off; a statement seen this often on a
        # connection is prepared once and planned from then on without re-parsing.
        options["prepare_threshold"] = envint("DB_PREPARE_THRESHOLD", 5)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(VAR_DIR / "indigomed.sqlite3")),
            # Kept open between requests like PostgreSQL's: opening one and running the pragmas
            # below cost more than a signed-in request's own statements.
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
            "OPTIONS": {
                # Writers queue instead of failing: every write transaction takes the lock up
                # front (IMMEDIATE), and waits up to the timeout for it.
                "transaction_mode": "IMMEDIATE",
                "timeout": envint("SQLITE_BUSY_TIMEOUT_S", 30),
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=30000;"
                ),
            },
            # A file, not memory, so that a live test server and client threads share one database.
            "TEST": {"NAME": str(VAR_DIR / "test-indigomed.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------------------------
# Sign-in rate limits and lock-outs count in the cache, so it must be shared by every app server
# and survive restarts: Redis when REDIS_URL is set, else a table in the database (made by the
# accounts migration ``0003_shared_cache_table``, and by ``createcachetable``).
REDIS_URL = envsecret("REDIS_URL")
CACHE_TABLE = "indigomed_cache"
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    # NIST SP 800-63B: length and a common-password list, no composition rules.
    # 15 characters without a second factor, 8 with one, at most 64 (indigomed.accounts.passwords).
    {"NAME": "indigomed.accounts.passwords.LengthForSecondFactorValidator"},
    # ... and no repeated or sequential characters, context words or listed passwords.
    {"NAME": "indigomed.accounts.passwords.PredictablePasswordValidator"},
    {"NAME": "indigomed.accounts.passwords.ContextWordsValidator"},
    {"NAME": "indigomed.accounts.passwords.ListedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_FORMS = {
    # The member sign-up form, plus accepting the current notice and Terms of Use (NOTICE-1, [A]).
    "signup": "indigomed.notices.signup.NoticeSignupForm",
    "login": "indigomed.accounts.forms.SignInForm",
    "add_email": "indigomed.accounts.forms.ChangeAddressForm",
}
# One address per account, which a member changes (after confirming the new one) rather than adds to.
ACCOUNT_CHANGE_EMAIL = True
# Changing the sign-in address asks for the password again unless it was confirmed in the last minutes
# (changing the password asks for the old one anyway).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_ADAPTER = "indigomed.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "IndigoMed: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Rate limits count the client's address. Behind reverse proxies, the number of them that append to
# X-Forwarded-For (the client is the address that many from the right), or the one header a
# trusted proxy sets (e.g. X-Real-IP); by default only the connecting address counts, as a
# client-set header must never decide whose limit is counted.
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER") or None

# --- E-mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "IndigoMed <no-reply@indigomed.test>")
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
else:
    # The demo prints each message where the server runs, so a newcomer can follow the
    # verification link without a mail server.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Internationalisation and time ----------------------------------------------------------
LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", "English"), ("fr", "Français")]
# The language cookie is a preferences cookie, set only with that consent (``web.language``); it
# lasts no longer than the consent itself (COOKIE_CONSENT_MAX_AGE_SECONDS below) and no script reads it.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# One catalogue for the whole platform, kept under version control with its compiled form
# (`make messages` refreshes both), so a clean clone runs in French without gettext installed.
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Outside production WhiteNoise serves straight from the apps' static folders: no collectstatic
# step for the demo or the browser tests. Production runs collectstatic into STATIC_ROOT.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded documents (legal demands, scanned letters) are private: stored outside the static
# and public paths, served by no URL, read only by the services that own them.
MEDIA_ROOT = Path(env("INDIGOMED_PRIVATE_FILES", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Refusing to start in production without what it needs ---------------------------------
# Each would otherwise fail later and worse: e-mails (reset links included) printed to the logs,
# a 500 at the first sign-in or page, or links pointing at the development address.
if PRODUCTION:
    _needed = {
        "EMAIL_HOST": (EMAIL_HOST, "an SMTP server to send e-mail through"),
        "INDIGOMED_KEKS": (envsecret("INDIGOMED_KEKS"), "the key-encryption keys that open members' data"),
        "INDIGOMED_LOOKUP_KEY": (envsecret("INDIGOMED_LOOKUP_KEY"), "the key every sign-in address is found by"),
        "SITE_URL": (env("SITE_URL"), "the public address used in links in e-mails"),
        # The folder defaults reach no phone and no letter box: production names its carriers.
        "SMS_BACKEND": (env("SMS_BACKEND"), "the SMS provider's backend, or the folder a gateway reads"),
        "LETTER_BACKEND": (env("LETTER_BACKEND"), "the mail house's backend, or the folder it collects"),
        # collectstatic itself loads these settings, so it is the one command that may run before.
        "collected static files": (
            (STATIC_ROOT / "staticfiles.json").exists() or sys.argv[1:2] == ["collectstatic"],
            f"run 'python -m indigomed collectstatic' to fill {STATIC_ROOT}",
        ),
    }
    # A value of spaces is as missing as no value.
    _missing = [
        f"{name} ({why})"
        for name, (value, why) in _needed.items()
        if not (value.strip() if isinstance(value, str) else value)
    ]
    if _missing:
        raise ImproperlyConfigured("IndigoMed will not start in production without: " + "; ".join(_missing))
    # Present is not enough: a key that cannot be read would fail at the first sign-in instead.
    from indigomed.records.keys import check_keys

    _unusable = check_keys(envsecret("INDIGOMED_KEKS"), envsecret("INDIGOMED_LOOKUP_KEY"))
    if len(SECRET_KEY.strip()) < 50 or len(set(SECRET_KEY)) < 5:
        _unusable.append("SECRET_KEY must be at least 50 random characters")
    _site = urlsplit(SITE_URL.strip())
    if _site.scheme != "https" or not _site.hostname:
        _unusable.append(f"SITE_URL must be the site's https:// address, not {SITE_URL!r}")
    # A folder backend in production is a spool a gateway or a mail house reads (smsd, a print
    # shop's pick-up): it must be that named folder, not the development one under var/.
    if "Folder" in env("SMS_BACKEND") + env("LETTER_BACKEND") and not env("INDIGOMED_MESSAGES_DIR"):
        _unusable.append("INDIGOMED_MESSAGES_DIR must name the spool folder the folder SMS or letter backend writes to")
    if _unusable:
        raise ImproperlyConfigured("IndigoMed will not start in production: " + "; ".join(_unusable))

# --- Security -------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("MAX_REQUEST_BYTES", 64 * 1024)
MAX_REQUEST_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
# LEGAL-1: the privacy office uploads legal demands of up to 20 MB (privacy.office), plus the
# form's other fields; every other page and the API keep the small limit above.
MAX_UPLOAD_REQUEST_BYTES = envint("MAX_UPLOAD_REQUEST_BYTES", 21 * 1024 * 1024)
OFFICE_UPLOAD_VIEWS = {
    "office:record_demand",
    "rights_office:enter",
    "api:office_requests",
    "api:office_amendments",
    "api:office_restrictions",
}
# Browser features the site never uses, off for its pages and anything they embed.
PERMISSIONS_POLICY = env(
    "PERMISSIONS_POLICY",
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()",
)
# Sessions live in the database (so they can be revoked), read through the cache when it is Redis;
# through a cache that is itself a table they would cost two queries instead of one.
# Without Redis, sessions are read by fixed SQL (the same rows and rules as Django's database store).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "indigomed.accounts.session_store"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_ABSOLUTE_SECONDS", 12 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Product settings (operator defaults, SPEC: numbers are settings, not literals) ---------
INDIGOMED: dict[str, Any] = {
    # BOOK-3: hours before the start after which a member can no longer cancel or move a
    # booking online, when a facility sets none of its own.
    "DEFAULT_CANCEL_CUTOFF_HOURS": envint("DEFAULT_CANCEL_CUTOFF_HOURS", 24),
    # BOOK-1: how far ahead open slots are generated from the weekly rules.
    "SLOT_HORIZON_DAYS": envint("SLOT_HORIZON_DAYS", 28),
    # CHILD-1: the ages of the sign-up gate are in the policy file, per jurisdiction.
    "PARENTAL_CONSENT_LINK_DAYS": envint("PARENTAL_CONSENT_LINK_DAYS", 30),
    "SEARCH_PAGE_SIZE": envint("SEARCH_PAGE_SIZE", 10),
    "SEARCH_DEFAULT_RADIUS_KM": envint("SEARCH_DEFAULT_RADIUS_KM", 40),
    "NEXT_SLOTS_SHOWN": envint("NEXT_SLOTS_SHOWN", 3),
}

# --- Maps (DIR-2): search results and profiles on OpenStreetMap tiles unless the operator serves its own.
INDIGOMED |= {
    "MAP_TILE_URL": env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
    "MAP_TILE_ATTRIBUTION": env(
        "MAP_TILE_ATTRIBUTION",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    ),
    "MAP_TILE_MAX_ZOOM": envint("MAP_TILE_MAX_ZOOM", 19),
    # Where a profile links a place for people without JavaScript; empty for no link.
    "MAP_PLACE_URL": env("MAP_PLACE_URL", "https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=17/{lat}/{lng}"),
}

# --- Booking limits (BOOK-2): one member cannot hold a practitioner's whole calendar ---------
INDIGOMED.update(
    {
        # Upcoming appointments a member may hold with one practitioner, and with all of them.
        "BOOKING_LIMIT_PER_PRACTITIONER": envint("BOOKING_LIMIT_PER_PRACTITIONER", 3),
        "BOOKING_LIMIT_TOTAL": envint("BOOKING_LIMIT_TOTAL", 10),
        # Booking attempts (booking or moving) a member may make in each window of seconds.
        "BOOKING_RATE_LIMIT": envint("BOOKING_RATE_LIMIT", 10),
        "BOOKING_RATE_WINDOW_SECONDS": envint("BOOKING_RATE_WINDOW_SECONDS", 600),
        # A time chosen before signing up is held this many minutes for its visitor (renewed once
        # when they come back signed in); at most this many held times per calendar at once, and
        # this many holds per client address in each window of seconds.
        "SLOT_HOLD_MINUTES": envint("SLOT_HOLD_MINUTES", 10),
        "SLOT_HOLDS_PER_CALENDAR": envint("SLOT_HOLDS_PER_CALENDAR", 3),
        "SLOT_HOLD_RATE_LIMIT": envint("SLOT_HOLD_RATE_LIMIT", 5),
        "SLOT_HOLD_RATE_WINDOW_SECONDS": envint("SLOT_HOLD_RATE_WINDOW_SECONDS", 600),
    }
)
# --- End of booking limits -------------------------------------------------------------------

# USE-2: the privacy policy as data; the shipped file unless the operator points at their own.
PRIVACY_POLICY_FILE = env("PRIVACY_POLICY_FILE")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Messaging (MSG-1) ----------------------------------------------------------------------
# E-mail goes through EMAIL_BACKEND above; SMS and letters through these, whose defaults write
# each message to a folder (a provider's backend replaces them in production).
MESSAGES_DIR = Path(env("INDIGOMED_MESSAGES_DIR", str(VAR_DIR / "messages")))
SMS_BACKEND = env("SMS_BACKEND", "indigomed.messaging.channels.FolderSMSBackend")
LETTER_BACKEND = env("LETTER_BACKEND", "indigomed.messaging.channels.FolderLetterBackend")
# Outside production the process that wrote a message also tries it right after commit; the
# worker delivers whatever that did not (and everything, in production).
MESSAGES_DELIVER_ON_COMMIT = envbool("MESSAGES_DELIVER_ON_COMMIT", default=not PRODUCTION)
# A worker waits this long on a silent SMTP server, well inside its claim on the message.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
# Messaging sits below accounts, so it learns members' languages through this function.
# The data-protection registration number the notice shows [M]. The demo's is made up; an
# operator sets its own. (Where members write: PRIVACY_OFFICE_ADDRESS and _EMAIL below.)
DATA_PROTECTION_REGISTRATION = env("DATA_PROTECTION_REGISTRATION", "" if PRODUCTION else "DEMO-0000-0000 (synthetic)")
# check_notice compares the published notice's text with the policy file through this (notices sits above privacy).
NOTICE_TEXT_CHECK = "indigomed.notices.checks.text_problems"
MESSAGING_LANGUAGES_OF = "indigomed.accounts.languages.languages_of"
# Who reads a dependent's messages while a guardian manages their account (CHILD-3).
MESSAGING_READERS_OF = "indigomed.accounts.languages.readers_of"
# Accounts sits below privacy, which alone reads a date of birth: it asks through this whether a
# dependent reached the age to take over their account (CHILD-3).
ACCOUNTS_AGE_REACHED = "indigomed.privacy.guardian_ages.age_reached"
# ...and where a member lives, to read a phone number they type without "+" as written at home.
ACCOUNTS_HOME_COUNTRY = "indigomed.privacy.queries.member_country"
INDIGOMED |= {
    # Attempts before a message becomes a dead letter the privacy office sees.
    "MESSAGE_MAX_ATTEMPTS": envint("MESSAGE_MAX_ATTEMPTS", 8),
    # Back-off after the n-th failure: base × 2^(n-1), at most the cap.
    "MESSAGE_RETRY_BASE_SECONDS": envint("MESSAGE_RETRY_BASE_SECONDS", 60),
    "MESSAGE_RETRY_CAP_SECONDS": envint("MESSAGE_RETRY_CAP_SECONDS", 6 * 3600),
    # How long a worker's claim lasts; a worker killed mid-batch frees its messages after it.
    "MESSAGE_CLAIM_SECONDS": envint("MESSAGE_CLAIM_SECONDS", 300),
    "MESSAGE_BATCH": envint("MESSAGE_BATCH", 50),
    # Reminders before a visit when the practice sets none, and the follow-up after it.
    "DEFAULT_REMINDER_OFFSETS": env("DEFAULT_REMINDER_OFFSETS", "48h,2h"),
    "FOLLOW_UP_AFTER_HOURS": envint("FOLLOW_UP_AFTER_HOURS", 24),
}

# --- Video visits (BOOK-7) ------------------------------------------------------------------
# A remote visit's room, at the operator's video service: ``{room}`` becomes a name derived from
# the appointment with the secret key, unguessable and naming nobody. The join page opens the
# room only to the member and the practitioner, from a few minutes before the visit to its end.
INDIGOMED |= {
    "VIDEO_ROOM_URL": env("VIDEO_ROOM_URL", "https://meet.jit.si/IndigoMed-{room}"),
    "VIDEO_JOIN_OPENS_MINUTES": envint("VIDEO_JOIN_OPENS_MINUTES", 15),
}

# --- The requests desk (rights) and contacting the privacy office (CONTACT-1) ----------------
INDIGOMED |= {
    # Where members write to the privacy office, shown on /privacy-office/ (the operator's own).
    "PRIVACY_OFFICE_EMAIL": env("PRIVACY_OFFICE_EMAIL", "privacy@indigomed.test"),
    "PRIVACY_OFFICE_ADDRESS": env("PRIVACY_OFFICE_ADDRESS", "IndigoMed Privacy Office, 1 Example Street, 75000 Paris"),
    "PRIVACY_OFFICE_POSTAL_ADDRESS": env(
        "PRIVACY_OFFICE_POSTAL_ADDRESS", "IndigoMed Privacy Office\nBP 00000\n75000 Paris\nFrance"
    ),
    # A scanned letter the office enters for a member: PDF, PNG or JPEG, at most this size.
    "SCANNED_LETTER_MAX_BYTES": envint("SCANNED_LETTER_MAX_BYTES", 10 * 1024 * 1024),
    # The desk's "due soon", and the days before a deadline the worker reminds the office (and once
    # more when it has passed).
    "REQUEST_DUE_SOON_DAYS": envint("REQUEST_DUE_SOON_DAYS", 7),
    "REQUEST_REMINDER_DAYS": env("REQUEST_REMINDER_DAYS", "7,2"),
}

# --- Partners (issue 11): facilities run their own practice --------------------------------
INDIGOMED |= {
    # Days an invitation to join a practice's team can be accepted.
    "INVITATION_DAYS": envint("INVITATION_DAYS", 14),
    # BOOK-3: the longest cancellation cut-off a practice may set; beyond a week members could
    # hardly ever cancel or move online.
    "MAX_CANCEL_CUTOFF_HOURS": envint("MAX_CANCEL_CUTOFF_HOURS", 168),
}
# Each portal on a host name of its own (``indigomed.web.hosts``); unset, all share one host.
MEMBERS_HOST = env("MEMBERS_HOST")
CONNECT_HOST = env("CONNECT_HOST")
PARTNERS_HOST = env("PARTNERS_HOST")
ALLOWED_HOSTS += [h.partition(":")[0] for h in (MEMBERS_HOST, CONNECT_HOST, PARTNERS_HOST) if h]

# --- Content-Security-Policy (SEC-1, django-csp) ---------------------------------------------
# Only the site's own files run or style a page: no inline script or style, no eval, no plug-ins,
# no framing (OWASP ASVS 4.0.3 V14.4.3, L2). Forms post to the site itself, or to a portal's own
# host when settings bind one (indigomed.web.hosts redirects between them).
_PORTAL_ORIGINS = [
    f"{urlsplit(SITE_URL).scheme or 'https'}://{h}" for h in (MEMBERS_HOST, CONNECT_HOST, PARTNERS_HOST) if h
]
_tiles = urlsplit(str(INDIGOMED["MAP_TILE_URL"]).replace("{s}", "a"))
# A tile server with subdomains ({s}.tile...) is allowed as a whole; else its own origin.
_TILE_ORIGIN = (
    f"{_tiles.scheme}://*.{_tiles.hostname.partition('.')[2]}"
    if "{s}" in str(INDIGOMED["MAP_TILE_URL"]) and _tiles.hostname
    else f"{_tiles.scheme}://{_tiles.netloc}"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for the empty icon base.html names (no favicon request) and Swagger UI's drawn icons;
        # the map's tiles come from the tile server MAP_TILE_URL names.
        "img-src": ["'self'", "data:", _TILE_ORIGIN],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *_PORTAL_ORIGINS],
    }
}

# --- Session limits per role (SEC-1) ---------------------------------------------------------
# OWASP ASVS 4.0.3 V3.3.2: re-authentication after 12 hours, or 30 minutes of inactivity at L2 and
# 15 minutes at L3. Members get L2; practitioners, facility staff, the privacy office and the
# site's operators, who see patients' health data, get L3. SESSION_COOKIE_AGE above is the
# browser cookie's own ceiling, at least the longest absolute limit.
SESSION_LIMITS = {
    "member": {
        "IDLE_SECONDS": envint("MEMBER_SESSION_IDLE_SECONDS", 30 * 60),
        "ABSOLUTE_SECONDS": envint("MEMBER_SESSION_ABSOLUTE_SECONDS", 12 * 3600),
    },
    "staff": {
        "IDLE_SECONDS": envint("STAFF_SESSION_IDLE_SECONDS", 15 * 60),
        "ABSOLUTE_SECONDS": envint("STAFF_SESSION_ABSOLUTE_SECONDS", 12 * 3600),
    },
}
# --- Cookies by consent and remember-me (COOKIE-1, indigomed.web.consent) ------------------------
# A visitor's cookie choice is kept six months, then asked again (CNIL, délibération n° 2020-091:
# the choice is kept for a limited time; six months is its recommendation).
COOKIE_CONSENT_MAX_AGE_SECONDS = envint("COOKIE_CONSENT_MAX_AGE_SECONDS", 182 * 24 * 3600)
LANGUAGE_COOKIE_AGE = COOKIE_CONSENT_MAX_AGE_SECONDS
# "Remember me" at sign-in keeps a member signed in this long on that device, idle or not: the
# session cookie lasts that long, holding the session's random id only (never a password or a
# token that outlives the session); signing out, or ending it on /me/sessions/, ends it for good.
# Staff (practice, privacy office, operators) are never remembered: their L3 limits above apply.
REMEMBER_ME_SECONDS = envint("REMEMBER_ME_SECONDS", 30 * 24 * 3600)
ACCOUNT_SESSION_REMEMBER = None  # ask at each sign-in; unticked, the session ends with the browser
ACCOUNT_SESSION_COOKIE_AGE = REMEMBER_ME_SECONDS

# Changing the password ends every other session of the account: Django checks each session's
# copy of the password hash on every request. The session it was changed from stays signed in
# (allauth updates its hash); True would sign that one out too.
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False

# --- Second factor (SEC-1, allauth.mfa) -------------------------------------------------------
# Authenticator apps (TOTP), passkeys and security keys (WebAuthn), and recovery codes. Optional for
# members; practitioners, facility staff, the privacy office and the site's operators reach no
# patient data before passing one in the session (indigomed.web.second_factor_middleware).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_ADAPTER = "indigomed.accounts.second_factor.SecondFactorAdapter"
MFA_FORMS = {"deactivate_totp": "indigomed.accounts.second_factor.TurnOffAppForm"}
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "IndigoMed")
# The code of this 30-second step or the one either side (a phone's clock drifts), each code used
# once: allauth remembers a used code for the whole window and refuses it again.
MFA_TOTP_TOLERANCE = 1
# Passkeys need https except on the developer's own machine and the demo.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
MFA_PASSKEY_LOGIN_ENABLED = False

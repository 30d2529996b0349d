import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indigomed.settings")
application = get_wsgi_application()
# Each app server process imports the URL map (every room's views and the API's schemas, seconds of
# work) as it starts, so that its first visitor does not wait for it.
get_resolver().url_patterns  # noqa: B018 (the import is the point)

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls

from passeport.api import urls as api_urls
from passeport.credentials import urls as credentials_urls
from passeport.portal import urls as portal_urls
from passeport.www.public import pwa

admin.site.site_header = "Passeport — administration"
admin.site.site_title = "Passeport"

urlpatterns = [
    path("", include("passeport.www.public.urls")),
    path("admin/", admin.site.urls),
    path("identity/", include("passeport.identity.urls")),
    path("mon-espace/", include("passeport.www.holder.urls")),
    path("pro/", include("passeport.www.pro.urls")),
    path("certificateur/", include("passeport.www.certifier.urls")),
    path("api/", api_urls.urls()),
    path("credentials/", include("passeport.credentials.urls")),
    path("", include((credentials_urls.well_known, "credentials"), namespace="well_known")),
    # The information portal (Wagtail): operators edit at /admin-portail/.
    path("admin-portail/", include(wagtailadmin_urls)),
    path("portail/", include("passeport.portal.urls")),
    path("portail/", include(portal_urls.serving)),
    # The installable web app: manifest, service worker (its scope is the whole site).
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("service-worker.js", pwa.service_worker, name="pwa_service_worker"),
    path("hors-ligne/", pwa.offline, name="pwa_offline"),
    path("favicon.ico", pwa.favicon, name="favicon"),
]

# The development identity provider exists only where the settings say so (dev and test):
# base.py, the production shape, does not define DEV_IDP_ENABLED.
if getattr(settings, "DEV_IDP_ENABLED", False):
    urlpatterns.append(path("dev-idp/", include("passeport.identity.devidp.urls")))
# The development payment page (catalog), likewise only in dev and test settings.
if getattr(settings, "DEV_PAYMENT_ENABLED", False):
    urlpatterns.append(path("dev-paiement/", include("passeport.catalog.devpay.urls")))

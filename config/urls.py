from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Passeport — administration"
admin.site.site_title = "Passeport"

urlpatterns = [
    path("", include("passeport.www.public.urls")),
    path("admin/", admin.site.urls),
]

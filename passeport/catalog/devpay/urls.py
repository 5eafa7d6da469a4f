from django.urls import path

from . import views

app_name = "devpay"

urlpatterns = [path("", views.page, name="page")]

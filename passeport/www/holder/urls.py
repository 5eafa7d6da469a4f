from django.urls import path

from . import views

app_name = "holder"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]

from django.contrib import admin
from django.contrib.admin.utils import unquote

from passeport.journal.actors import Actor
from passeport.journal.services import log_person_data_read

from .models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    # Never the NIR, not even encrypted: the admin list and form show identity only.
    list_display = ("public_id", "birth_name", "first_names", "birth_year", "cpf_activated_at")
    search_fields = ("birth_name", "usage_name", "public_id")
    exclude = ("nir_hash", "nir_encrypted")
    readonly_fields = ("public_id", "created_at")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # An operator reading a person's record is a read by someone else: journaled, and
        # shown in the holder's access log.
        if request.method == "GET" and response.status_code == 200:
            person = self.get_object(request, unquote(object_id))
            if person is not None:
                log_person_data_read(
                    person, Actor.for_user(request.user), "fiche du titulaire (administration)"
                )
        return response

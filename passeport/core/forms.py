"""What every form shares."""

# The DSFR file upload group (django-dsfr renders none): `forms.FileField(template_name=…)`.
UPLOAD_TEMPLATE = "includes/upload_field.html"

"""Error reports (debug pages, mails to admins) that never show a NIR."""

import re

from django.views.debug import SafeExceptionReporterFilter

from .logging import mask_nir


class NirSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    # Settings named like these are replaced by stars, on top of Django's defaults.
    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|NIR", flags=re.IGNORECASE
    )

    def get_traceback_frame_variables(self, request, tb_frame):
        cleansed = []
        for name, value in super().get_traceback_frame_variables(request, tb_frame):
            if "nir" in name.lower():
                value = self.cleansed_substitute
            elif isinstance(value, str):
                value = mask_nir(value)
            else:
                masked = mask_nir(repr(value))
                if masked != repr(value):
                    value = masked
            cleansed.append((name, value))
        return cleansed

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        if not parameters:
            return parameters
        cleansed = parameters.copy()
        for key in cleansed:
            if "nir" in key.lower():
                cleansed[key] = self.cleansed_substitute
            else:
                cleansed[key] = mask_nir(str(cleansed[key]))
        return cleansed

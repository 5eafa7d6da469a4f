"""Test guardrails used from the test settings (imported there, so no Django imports)."""


class InvalidVariable(str):
    """`string_if_invalid` that fails on an unknown variable in one of our templates.

    Django asks `"%s" in string_if_invalid` and then formats it with the variable name;
    we raise there. Third-party templates (django-dsfr, admin) read optional variables
    on purpose, so only templates under `passeport/` are held to it.
    """

    def __new__(cls):
        # Truthy, or Django would not use it at all.
        return super().__new__(cls, "<variable inconnue>")

    def __contains__(self, item):
        return item == "%s"

    def __mod__(self, variable_name):
        import inspect

        # The innermost template node being rendered knows which file it came from
        # (blocks of a child template render under its parent's render context).
        for frame_info in inspect.stack(context=0)[1:30]:
            node = frame_info.frame.f_locals.get("self")
            origin = getattr(node, "origin", None)
            if origin is not None and hasattr(node, "token"):
                if "/passeport/" in str(origin.name):
                    raise AssertionError(
                        f"Variable de gabarit inconnue « {variable_name} » dans {origin.name}"
                    )
                return ""
        return ""

"""A rule's message on a web form names the form's field, not the file's column.

The rules speak the official file's language (« COMPETENCE_TRANSFERABLE attend de 3 à 10
codes ROME »), which a file's report and the API keep; on a form, the person sees labels,
so each column the form has a field for becomes that field's label in « »."""

import re

_COLUMN = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def in_form_words(message: str, form, fields_by_column: dict[str, str]) -> str:
    def label(match: re.Match) -> str:
        name = fields_by_column.get(match.group(0))
        field = form.fields.get(name) if name else None
        return f"« {field.label} »" if field is not None else match.group(0)

    return _COLUMN.sub(label, message)

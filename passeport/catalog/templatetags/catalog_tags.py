from django import template

from passeport.cpf.rules import euros as euros_text

register = template.Library()


@register.filter
def euros(cents) -> str:
    return euros_text(int(cents or 0))

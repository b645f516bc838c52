from django import template

register = template.Library()


@register.simple_tag
def signed_for(signed, half_day, invitation) -> bool:
    """Whether ``invitation``'s person signed ``half_day`` (``signed`` is a set of (half_day_id, person_key))."""
    return (half_day.pk, invitation.person_key) in signed

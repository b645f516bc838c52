"""Phone numbers: reading, formatting, and the one way a number becomes a tap-to-call link.

    phone_e164("03 21 00 00 00")  # "+33321000000"; short numbers stay as dialled ("115")
    tel_href("03 21 00 00 00")    # "tel:+33321000000"
    phone_link("115", name="SAMU social")  # <a class="tel" href="tel:115" aria-label="Appeler le 115 (SAMU…)">
    link_phones(rendered_html, short_numbers={"115", "3114"})  # numbers written in text become links

Every phone number the site shows goes through ``phone_link`` (templates: the ``phone_link`` filter of
``relais_tags``) or ``link_phones`` (rich text). The accessible name starts with "Appeler le" and contains the
visible number (WCAG 2.5.3, label in name).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable

import phonenumbers
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def parse_phone(value: str):
    """A French (or international) number, or None when it does not parse as a possible number."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not (phonenumbers.is_possible_number(number) or phonenumbers.is_valid_short_number(number)):
        return None
    return number


def format_phone(value: str) -> str:
    """'0321000000' → '03 21 00 00 00' (national format), unchanged if it does not parse."""
    number = parse_phone(value) if value else None
    if number is None:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


@functools.lru_cache(maxsize=4096)
def phone_e164(value: str) -> str:
    """E.164 for ordinary numbers; short numbers (115, 3919) stay as dialled. Kept per written form: a page
    of results shows the same numbers request after request, and parsing one costs more than the link."""
    number = parse_phone(value) if value else None
    if number is None:
        return ""
    if not phonenumbers.is_possible_number(number):
        return str(number.national_number)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def tel_href(value: str) -> str:
    """The ``tel:`` URL of a number, or "" when it is not one."""
    dialled = phone_e164(str(value or "").strip())
    return f"tel:{dialled}" if dialled else ""


def call_label(value: str, name: str = "") -> str:
    """The link's accessible name: "Appeler le 115", "Appeler le 01 99 00 00 01 (Mission locale d'Arras)"."""
    shown = " ".join(str(value).split())
    if name:
        return _("Appeler le %(number)s (%(name)s)") % {"number": shown, "name": name}
    return _("Appeler le %(number)s") % {"number": shown}


def phone_link(value, name: str = "") -> SafeString | str:
    """The number as a tap-to-call link; a value that is not a number is returned escaped, unlinked."""
    return _phone_link(str(value or "").strip(), str(name or ""), get_language())


@functools.lru_cache(maxsize=4096)
def _phone_link(value: str, name: str, language: str | None) -> SafeString | str:
    """Kept per number, name and language (the label is translated): a page of results links the same twenty
    numbers request after request."""
    href = tel_href(value)
    if not href:
        return html.escape(value)
    return format_html('<a class="tel" href="{}" aria-label="{}">{}</a>', href, call_label(value, name), value)


# --- numbers written in text -----------------------------------------------------------------------------
# Text inside these elements is never linked: links (no nested links), form controls, code, scripts.
SKIP_TAGS = {"a", "button", "label", "option", "select", "textarea", "script", "style", "code", "pre", "title"}
# Inline elements keep the sentence going ("appelle le <strong>115</strong>"); any other tag starts afresh.
INLINE_TAGS = {"strong", "b", "em", "i", "span", "mark", "small", "u", "abbr", "dfn"}
_TAG_RE = re.compile(r"(<[^>]*>)")
_TAG_NAME_RE = re.compile(r"^<\s*(/?)\s*([a-zA-Z0-9]+)")
_SEP = r"[ .\u00a0\u202f-]?"
# A ten-digit French number (01 23 45 67 89, 01.23.45.67.89, 0123456789), a 0 800 number written in
# threes (0 800 235 236), or +33: never glued to a letter, a digit or a URL's characters.
_LONG_RE = re.compile(
    r"(?<![\w/.=?&+%-])(?:\+33" + _SEP + r"(?:\(0\))?" + _SEP + r"[1-9](?:" + _SEP + r"\d{2}){4}"
    r"|0[1-9](?:" + _SEP + r"\d{2}){4}"
    r"|0" + _SEP + r"[89]\d{2}" + _SEP + r"\d{3}" + _SEP + r"\d{3})(?![\w/-]|\.\w)")
# A short number counts only where a sentence calls it: "appelle le 115", "le 15 ou le 112", "au 3114",
# never "à 18 ans", "le 15 mars" or "115 €".
_CALL_BEFORE = r"(?:\b(?:le|au|du|composer?|compose|appeler?|appelle|contacter?|contacte)|\bl')\s*$"
_NOT_AFTER = re.compile(
    r"^\s*(?:\d|[,.]\d|%|€|h\b|ans?\b|mois\b|jours?\b|heures?\b|minutes?\b|euros?\b|km\b|premier\b|"
    r"janvier|février|fevrier|mars|avril|mai\b|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre)",
    re.IGNORECASE)


def _short_re(short_numbers: Iterable[str]):
    numbers = sorted({re.sub(r"\s+", "", n) for n in short_numbers if n}, key=len, reverse=True)
    if not numbers:
        return None
    spelled = [r"\s?".join(re.escape(d) for d in n) if len(n) > 4 else re.escape(n) for n in numbers]
    return re.compile(r"(?<![\w/.,=?&+%-])(?:" + "|".join(spelled) + r")(?![\w/-]|[.,]\d)")


def _link(text: str) -> str:
    number = html.unescape(text)
    return str(phone_link(number)) if tel_href(number) else text


def link_phones(rendered_html, *, short_numbers: Iterable[str] = ()) -> SafeString:
    """Turn the phone numbers written in ``rendered_html`` into ``tel:`` links, never inside an existing link
    (nor in a tag's attributes: only text between tags is read). ``short_numbers`` are the short numbers the
    caller knows (the guide's national numbers), linked only where the sentence calls them."""
    rendered_html = str(rendered_html or "")
    if not rendered_html:
        return mark_safe(rendered_html)  # noqa: S308 - empty
    short_re = _short_re(short_numbers)
    parts = _TAG_RE.split(rendered_html)
    skip_depth = 0
    before = ""  # the sentence so far, across inline tags: what a short number is preceded by
    for index, part in enumerate(parts):
        if not part:
            continue
        if part.startswith("<"):
            tag = _TAG_NAME_RE.match(part)
            name = tag.group(2).lower() if tag else ""
            if name in SKIP_TAGS and not part.endswith("/>"):
                skip_depth = max(skip_depth + (-1 if tag.group(1) else 1), 0)
            if name not in INLINE_TAGS:
                before = ""
            continue
        if skip_depth:
            before += html.unescape(part)
            continue
        text = _LONG_RE.sub(lambda m: _link(m.group(0)), part)
        if short_re is not None:
            text = _link_short(text, short_re, before, _following(parts, index))
        parts[index] = text
        before += html.unescape(part)
        before = before[-60:]
    return mark_safe("".join(parts))  # noqa: S308 - our own rendered HTML, only text between tags changed


def _following(parts: list[str], index: int) -> str:
    """The text that goes on after ``parts[index]`` across inline tags ("<strong>15</strong> mars")."""
    after = ""
    for part in parts[index + 1:index + 6]:
        if part.startswith("<"):
            tag = _TAG_NAME_RE.match(part)
            if not tag or tag.group(2).lower() not in INLINE_TAGS:
                break
            continue
        after += html.unescape(part)
        if after.strip():
            break
    return after


def _link_short(text: str, short_re, before: str, after: str) -> str:
    out, last = [], 0
    for match in short_re.finditer(text):
        start, end = match.span()
        if "<a " in text[last:start] or text[:start].count("<a ") > text[:start].count("</a>"):
            continue  # inside a link made by the pass for long numbers
        preceding = (before + html.unescape(text[:start]))[-40:]
        if not re.search(_CALL_BEFORE, preceding, re.IGNORECASE) or _NOT_AFTER.match(html.unescape(text[end:]) + after):
            continue
        out.append(text[last:start])
        out.append(_link(match.group(0)))
        last = end
    out.append(text[last:])
    return "".join(out)

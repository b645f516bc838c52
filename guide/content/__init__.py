"""Demo content of the guide, written for this project in plain French ("tu"), grounded in the seeds:
the interview at 17 (loi du 14 mars 2016), the contrat jeune majeur and support until 21 (loi Taquet du
7 février 2022), the CEJ offered to every young person leaving care without a solution, Missions locales,
PACEA, E2C… Blocks are written with the small helpers below, as StreamField raw data."""


def text(html):
    return {"type": "text", "value": html}


def remember(html, title="À retenir"):
    return {"type": "callout", "value": {"title": title, "text": html}}


def steps(title, items):
    return {"type": "steps", "value": {"title": title, "steps": [{"title": t, "text": d} for t, d in items]}}


def checklist(title, items):
    return {"type": "checklist", "value": {"title": title, "items": list(items)}}


def faq(items, title="Tes questions"):
    return {"type": "faq", "value": {"title": title, "items": [{"question": q, "answer": a} for q, a in items]}}


def helpers(*thematiques, publics=("jeunes",), age=None, title="Qui peut t'aider ?", limit=6):
    return {"type": "directory", "value": {"title": title, "thematiques": list(thematiques),
                                           "publics": list(publics), "age": age, "limit": limit}}


def video(title, url, transcript, duration=""):
    return {"type": "video", "value": {"title": title, "url": url, "duration": duration, "transcript": transcript}}

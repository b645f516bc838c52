"""directory.territories: every way someone names a place, and what serves it (the one owner of territories)."""

import pytest

from directory import territories
from directory.models import Organisation, Territory
from search import registry
from search.documents import AREA_EVERYWHERE


@pytest.fixture
def world(territories):
    """The directory's small tree, plus communes whose names carry accents, a ligature, an apostrophe, a shared
    postal code, and a commune named like a territoire."""
    t = dict(territories)
    arr, cal = t["62-ARR"], t["62-CAL"]
    t["bethune"] = Territory.objects.create(kind="commune", code="62119", name="Béthune", parent=arr,
                                            latitude=50.53, longitude=2.64, postal_codes="62400", population=25000)
    t["maroeuil"] = Territory.objects.create(kind="commune", code="62557", name="Marœuil", parent=arr,
                                             postal_codes="62161", population=2422)
    t["saint_omer"] = Territory.objects.create(kind="commune", code="62765", name="Saint-Omer", parent=cal,
                                               postal_codes="62500", population=14000)
    t["big"] = Territory.objects.create(kind="commune", code="62001", name="Grandville", parent=cal,
                                        postal_codes="62999 62998", population=9000)
    t["small"] = Territory.objects.create(kind="commune", code="62002", name="Petitville", parent=cal,
                                          postal_codes="62999", population=120)
    t["calaisis_commune"] = Territory.objects.create(kind="commune", code="62003", name="Calaisis", parent=cal,
                                                     population=50000)
    return t


# --- resolve ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "expected"), [
    ("62041", "62041"),          # INSEE code
    ("62000", "62041"),          # postal code
    ("62998", "62001"),          # second postal code of a commune
    ("62", "62"),                # département code
    ("62-ARR", "62-ARR"),        # territoire code
    ("62-arr", "62-ARR"),        # codes in any case
    ("arras", "62041"),          # slug
    ("pas-de-calais", "62"),     # slug of the département
    ("Arras", "62041"),          # name
    ("  arrageois ", "62-ARR"),  # name of a territoire, spaces around
    ("Béthune", "62119"),
    ("bethune", "62119"),        # without the accent
    ("BETHUNE", "62119"),
    ("Maroeuil", "62557"),       # the ligature spelled out
    ("saint omer", "62765"),     # punctuation optional
    ("Saint-Omer", "62765"),
])
def test_resolve_understands_every_way_of_naming_a_place(world, typed, expected):
    assert territories.resolve(typed).code == expected


@pytest.mark.parametrize("typed", ["", "   ", None, "zzz", "99999", "62-XXX", "Atlantide", "arr\x00as", "62\x00",
                                   "a" * 500, "6" * 500, "<script>alert(1)</script>", "%", "_", "' OR 1=1 --"])
def test_resolve_finds_nothing_in_junk(world, typed):
    assert territories.resolve(typed) is None


def test_ambiguous_input_prefers_the_larger_territory_then_the_more_populated_commune(world):
    assert territories.resolve("Calaisis").code == "62-CAL"  # the territoire, not the commune of that name
    assert territories.resolve("62999").code == "62001"  # shared postal code: the more populated commune
    Territory.objects.filter(code="62041").update(population=40000)
    other = Territory.objects.create(kind="commune", code="49999", name="Arras", parent=world["49"], population=10)
    assert territories.resolve("Arras").code == "62041"
    other.population = 90000
    other.save()
    assert territories.resolve("Arras").code == "49999"
    assert territories.resolve("62041").code == "62041"  # a code is never ambiguous


def test_resolve_commune_takes_communes_only(world):
    assert territories.resolve_commune("Calaisis").code == "62003"
    assert territories.resolve_commune("62") is None
    assert territories.resolve_commune("62-ARR") is None
    assert territories.resolve_commune("bethune").code == "62119"
    assert territories.resolve_commune("62400").code == "62119"
    assert territories.resolve_commune("a" * 500) is None


@pytest.mark.parametrize(("typed", "expected"), [
    ("Boulogne", "62160"),              # without its "-sur-Mer"
    ("boulogne sur mer", "62160"),
    ("St Omer", "62765"), ("st-omer", "62765"), ("Saint Omer", "62765"), ("saint-omer", "62765"),
    ("ST. OMER", "62765"),
    ("Ste Catherine", "62744"),          # "Ste" for "Sainte"
    ("Pont lès Arras", "62999"), ("Pont", "62999"),  # its "-lès-…" part optional
])
def test_resolve_commune_understands_usual_variants(world, typed, expected):
    Territory.objects.create(kind="commune", code="62160", name="Boulogne-sur-Mer", parent=world["62-CAL"],
                             postal_codes="62200", population=40000)
    Territory.objects.create(kind="commune", code="62744", name="Sainte-Catherine", parent=world["62-ARR"],
                             postal_codes="62223", population=3300)
    Territory.objects.create(kind="commune", code="62999", name="Pont-lès-Arras", parent=world["62-ARR"],
                             population=300)
    assert territories.resolve_commune(typed).code == expected
    assert registry.places().commune(typed).code == expected  # "près de" reads it the same way


def test_an_ambiguous_usual_name_gives_the_more_populated_commune(world):
    Territory.objects.create(kind="commune", code="62160", name="Boulogne-sur-Mer", parent=world["62-CAL"],
                             population=40000)
    Territory.objects.create(kind="commune", code="49999", name="Boulogne-en-Anjou", parent=world["49"],
                             population=900)
    assert territories.resolve_commune("Boulogne").code == "62160"
    assert territories.resolve_commune("Boulogne en Anjou").code == "49999"
    assert territories.resolve_commune("Boulognette") is None


def test_by_code_is_exact(world):
    assert territories.by_code("62-ARR") == world["62-ARR"]
    assert territories.by_code("62041").parent == world["62-ARR"]
    for code in ("62-arr", "arras", "62000", "<script>", "", None, "6" * 30, "62\x00"):
        assert territories.by_code(code) is None


# --- suggest and label -----------------------------------------------------------------------------------
def test_suggest_ranks_exact_then_prefix_then_contained_with_territoires_first(world):
    assert [t.code for t in territories.suggest("cal")][:3] == ["62-CAL", "62193", "62003"]
    assert [t.code for t in territories.suggest("Calais")][0] == "62193"  # the exact name first
    assert "62765" in [t.code for t in territories.suggest("omer")]  # contained
    assert territories.suggest("62041") == [world["arras"]]  # the INSEE code
    assert len(territories.suggest("a", limit=10)) == 0  # one letter is too little
    assert len(territories.suggest("ville", limit=1)) == 1


@pytest.mark.parametrize(("query", "expected"), [("bethu", "Béthune"), ("BETHUNE", "Béthune"),
                                               ("maroeu", "Marœuil"), ("saint omer", "Saint-Omer")])
def test_suggest_accepts_names_without_accents_or_punctuation(world, query, expected):
    assert [t.name for t in territories.suggest(query)] == [expected]


@pytest.mark.parametrize("query", ["", None, "x", "a" * 81, "ar\x00ras", "zzzz"])
def test_suggest_is_empty_for_junk(world, query):
    assert territories.suggest(query) == []


def test_label_names_a_commune_with_its_territoire(world):
    assert territories.label(world["arras"]) == "Arras (Arrageois)"
    assert territories.label(world["62-ARR"]) == "Arrageois"
    assert territories.label(None) == ""
    assert territories.same_name("Béthune", "bethune") and not territories.same_name("Béthune", "")


# --- what serves a place ---------------------------------------------------------------------------------
def codes_of(ids):
    return set(Territory.objects.filter(pk__in=ids).values_list("code", flat=True))


def test_a_commune_is_served_by_itself_and_its_ancestors(world):
    assert codes_of(territories.serving_ids(world["arras"])) == {"62041", "62-ARR", "62"}
    assert set(territories.serving_codes(world["arras"])) == {"62041", "62-ARR", "62"}


def test_a_territoire_is_served_by_its_departement_and_its_communes(world):
    expected = {"62-ARR", "62", "62041", "62004", "62119", "62557"}
    assert codes_of(territories.serving_ids(world["62-ARR"])) == expected
    assert set(territories.serving_codes(world["62-ARR"])) == expected


def test_a_departement_is_served_by_everything_in_it_and_nothing_outside(world):
    served = set(territories.serving_codes(world["62"]))
    assert {"62", "62-ARR", "62-CAL", "62041", "62193", "62765"} <= served
    assert not {"49", "49007"} & served
    assert codes_of(territories.serving_ids(world["62"])) == served


def test_subtree_q_keeps_rows_attached_at_or_below_the_territory(world):
    inside = Organisation.objects.create(name="Dans l'Arrageois", commune=world["bethune"])
    Organisation.objects.create(name="À Calais", commune=world["calais"])
    Organisation.objects.create(name="Sans commune")
    in_arr = Organisation.objects.filter(territories.subtree_q(world["62-ARR"], "commune"))
    assert list(in_arr) == [inside]
    assert Organisation.objects.filter(territories.subtree_q(world["62"], "commune")).count() == 2
    assert Organisation.objects.filter(territories.subtree_q(world["bethune"], "commune")).count() == 1


# --- places for search -----------------------------------------------------------------------------------
def test_search_finds_places_through_its_registry(world):
    assert registry.places() is territories.place_finder
    place = registry.places().by_text("bethune")
    assert (place.code, place.name, place.latitude, place.longitude) == ("62119", "Béthune", 50.53, 2.64)
    assert set(place.area) == {"62119", "62-ARR", "62", AREA_EVERYWHERE}
    area = registry.places().by_text("62-CAL").area
    assert {"62-CAL", "62", "62193", "62765", AREA_EVERYWHERE} <= set(area) and "62041" not in area
    assert registry.places().by_text("zzz") is None
    assert registry.places().by_text("a" * 500) is None


def test_near_takes_a_commune_by_code_postal_code_or_name(world):
    finder = territories.place_finder
    for typed in ("62119", "62400", "Béthune", "bethune", "BÉTHUNE"):
        place = finder.commune(typed)
        assert (place.code, place.latitude, place.longitude) == ("62119", 50.53, 2.64)
    assert finder.commune("Arrageois") is None  # a territoire is not a commune
    assert finder.commune("62") is None
    assert finder.commune("arr\x00as") is None

"""Demo data of the site shell: the home page, the legal pages and one account per role.

Idempotent: each object is looked up by a stable key and created only when missing, so running
``load_demo`` twice changes nothing. People are fictional.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Page, Site

from relais import roles

DEMO_PASSWORD_DEFAULT = "relais-demo-2026"

DEMO_USERS = [
    # username, first name, last name, role (None: superuser)
    ("admin", "Camille", "Admin", None),
    ("pilote", "Dominique", "Pilote", roles.DEPARTEMENT_ADMIN),
    ("pro", "Sacha", "Référent", roles.PROFESSIONAL),
    ("editeur", "Alex", "Éditeur", roles.PARTNER_EDITOR),
    ("secretaire", "Morgane", "Secrétaire", roles.SECRETARY),
]

LEGAL_PAGES = [
    (
        "mentions-legales",
        "Mentions légales",
        "Qui publie ce site, qui l'héberge, et comment nous écrire.",
        "<h2>Éditeur</h2><p>Ce site est publié par le Département et ses partenaires du réseau « aucune sortie "
        "sèche de l'ASE ». Directeur de la publication : le président du conseil départemental.</p>"
        "<h2>Logiciel</h2><p>Le site utilise Relais, un logiciel libre construit avec Django et Wagtail.</p>"
        "<h2>Hébergement</h2><p>L'hébergeur est indiqué par le Département dans cette page lors de la mise en "
        "production.</p><h2>Contact</h2><p>Pour toute question sur le site, utilise le formulaire « Propose une "
        "idée / signale un manque » du guide, ou écris au Département.</p>",
    ),
    (
        "accessibilite",
        "Accessibilité",
        "Déclaration d'accessibilité du site, selon le référentiel général d'amélioration de l'accessibilité "
        "(RGAA 4.1).",
        "<h2>État de conformité</h2><p>Ce site est <b>{status}</b> avec le RGAA 4.1. Les pages du guide, de "
        "l'annuaire et de l'espace professionnel sont contrôlées automatiquement avec axe-core dans un vrai "
        "navigateur, à 360 pixels de large, à chaque modification du logiciel. Un audit complet reste à faire.</p>"
        "<h2>Contenus non accessibles</h2><ul><li>La carte de l'annuaire : la liste des partenaires, juste à "
        "côté, donne les mêmes informations.</li><li>Certains documents PDF anciens déposés par les partenaires."
        "</li></ul><h2>Retour d'information et contact</h2><p>Si tu n'arrives pas à accéder à un contenu ou à "
        "un service, écris-nous avec le formulaire du guide : nous te répondrons ou te donnerons l'information "
        "sous une autre forme.</p><h2>Voies de recours</h2><p>Si tu nous as signalé un défaut d'accessibilité "
        "qui t'empêche d'accéder à un contenu et que tu n'as pas eu de réponse satisfaisante, tu peux écrire au "
        "Défenseur des droits (formulaire en ligne ou courrier gratuit, sans timbre : Défenseur des droits, "
        "Libre réponse 71120, 75342 Paris CEDEX 07) ou contacter son délégué dans ton département.</p>",
    ),
    (
        "donnees-personnelles",
        "Données personnelles",
        "Ce que le site garde sur toi : presque rien.",
        "<h2>Pour les jeunes</h2><p>Tu n'as pas besoin de compte pour lire le guide, chercher dans l'annuaire "
        "ou donner ton avis. Si tu laisses un moyen de te recontacter dans un formulaire, c'est facultatif, et "
        "il est effacé automatiquement après le délai affiché sous le formulaire. Ton choix de territoire est "
        "gardé dans un cookie sur ton téléphone, pas chez nous.</p><h2>Pour les instances</h2><p>Quand un jeune "
        "participe à une instance, il est noté par son prénom et une initiale, ou un pseudonyme : jamais sa date "
        "de naissance, son adresse ou son numéro de dossier.</p><h2>Pour les professionnels</h2><p>Les "
        "coordonnées professionnelles des contacts de l'annuaire sont publiées selon le choix de leur "
        "organisation : publiques, réservées aux professionnels ou internes. Les comptes de l'espace "
        "professionnel servent uniquement à ce service.</p><h2>Tes droits</h2><p>Tu peux demander à voir, "
        "corriger ou effacer les données qui te concernent, en écrivant au délégué à la protection des données "
        "du Département. Tu peux aussi saisir la CNIL.</p>",
    ),
]


def demo_password() -> str:
    return getattr(settings, "RELAIS_DEMO_PASSWORD", "") or DEMO_PASSWORD_DEFAULT


def load_site_pages(log) -> Page:
    """The HomePage as the default site's root, replacing Wagtail's welcome page, plus legal pages."""
    from guide.models import HomePage, StandardPage

    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or _recreate_tree_root()
        home = HomePage(
            title="Aucun jeune ne doit quitter l'aide sociale à l'enfance sans solution",
            slug="accueil",
            intro="Tu as entre 16 et 25 ans, tu es ou tu as été accompagné par l'ASE ? Ici, tu trouves les "
            "infos pour préparer ta sortie et les partenaires qui peuvent t'aider, près de chez toi.",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        welcome = site.root_page if site else None
        if site is None:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                                site_name="Relais")
        else:
            site.root_page = home
            site.site_name = "Relais"
            site.save()
        if welcome is not None and welcome.specific_class is Page and welcome.id != home.id:
            welcome.delete()
        log("Page d'accueil créée.")
    for slug, title, intro, body in LEGAL_PAGES:
        if not StandardPage.objects.filter(slug=slug).exists():
            page = StandardPage(title=title, slug=slug, intro=intro,
                                body=body.replace("{status}", settings.RELAIS_RGAA_STATUS))
            home.add_child(instance=page)
            page.save_revision().publish()
            log(f"Page « {title} » créée.")
    return home


def _recreate_tree_root() -> Page:
    """Wagtail's migrations create the tree's root; a flushed database (transactional tests) has none."""
    from wagtail.models import Locale

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    return Page.add_root(instance=Page(title="Root", slug="root", locale=locale, live=True))


def load_users(log) -> list[tuple[str, str]]:
    User = get_user_model()
    created = []
    for username, first, last, role in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@exemple.invalid",
                      "is_staff": role is None, "is_superuser": role is None},
        )
        if was_created:
            user.set_password(demo_password())
            user.save()
            created.append(username)
        if role:
            user.groups.add(Group.objects.get(name=role))
    if created:
        log(f"Comptes de démonstration créés : {', '.join(created)}.")
    return [(username, role or "superutilisateur") for username, _f, _l, role in DEMO_USERS]

""""Mon parcours": what happens at each age, the articles to read, the partners who help then."""

from guide.content import helpers

INTRO = ("De 16 à 25 ans, les étapes se suivent vite. Voici ce qui se passe à chaque âge, ce que tu peux "
         "demander, et qui peut t'aider près de chez toi.")

STEPS = [
    {
        "age_label": "Avant 16 ans", "title": "Connaître tes droits et les personnes autour de toi",
        "text": "<p>Ton référent ASE et ton lieu d'accueil t'accompagnent. C'est le moment de prendre soin de "
                "ta santé, de ta scolarité, et de garder tes papiers en ordre. Tu peux déjà poser toutes tes "
                "questions sur la suite.</p>",
        "articles": [("sante", "carte-vitale"), ("droits-et-demarches", "papiers-identite")],
        "partners": helpers("sante--acces-aux-soins", age=15, limit=4),
    },
    {
        "age_label": "16 ans", "title": "Te faire recenser, choisir ta voie",
        "text": "<p>Fais-toi recenser à la mairie. Si tu quittes l'école, la Mission locale t'accueille dès "
                "16 ans : formation, apprentissage, E2C. Tu peux avoir ta propre carte Vitale.</p>",
        "articles": [("droits-et-demarches", "recensement-jdc"), ("travail-et-formation", "mission-locale"),
                     ("travail-et-formation", "apprentissage")],
        "partners": helpers("se-former", "trouver-un-emploi", age=16, limit=4),
    },
    {
        "age_label": "17 ans", "title": "L'entretien préparé avec ton référent",
        "text": "<p>L'année de tes 17 ans, un entretien fait le point sur ton parcours et prépare ton "
                "autonomie : c'est la loi du 14 mars 2016. Tu construis ton projet d'accès à l'autonomie, et "
                "tu réunis tes papiers avant 18 ans. Si tu es de nationalité étrangère, ta demande de titre "
                "de séjour se prépare maintenant.</p>",
        "articles": [("droits-et-demarches", "entretien-17-ans"), ("vie-quotidienne", "papiers-avant-18-ans"),
                     ("sante", "complementaire-sante-solidaire"), ("argent", "compte-en-banque")],
        "partners": helpers("difficultes-administratives-ou-juridiques", age=17, limit=4),
    },
    {
        "age_label": "18 ans", "title": "Contrat jeune majeur, CEJ, sortie de l'ASE",
        "text": "<p>Tu es majeur. Tu peux signer un contrat jeune majeur avec le Département. Si tu quittes "
                "l'ASE sans solution, un contrat d'engagement jeune doit t'être proposé. Tu récupères ton "
                "pécule. Pense au logement et à l'APL.</p>",
        "articles": [("droits-et-demarches", "contrat-jeune-majeur"),
                     ("travail-et-formation", "contrat-engagement-jeune"), ("argent", "pecule-ase"),
                     ("logement", "trouver-un-logement")],
        "partners": helpers("logement-hebergement", "trouver-un-emploi", age=18, limit=4),
    },
    {
        "age_label": "Jusqu'à 21 ans", "title": "Ce que la loi de 2022 te garantit",
        "text": "<p>Depuis la loi Taquet du 7 février 2022, si tu as été confié à l'ASE et que tu n'as pas "
                "assez de ressources ou de soutien familial, le Département doit t'accompagner jusqu'à "
                "21 ans. Même si tu es parti, tu peux revenir demander de l'aide. Tu peux choisir une "
                "personne ressource.</p>",
        "articles": [("droits-et-demarches", "contrat-jeune-majeur"),
                     ("droits-et-demarches", "referent-de-parcours"), ("logement", "aides-au-logement")],
        "partners": helpers("difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
                            "logement-hebergement", age=20, limit=4),
    },
    {
        "age_label": "Jusqu'à 25 ans", "title": "La Mission locale et le droit commun",
        "text": "<p>La Mission locale t'accompagne jusqu'à 25 ans : PACEA, CEJ, formation, logement, santé. "
                "Le coordonnateur ASE peut rester ton contact jusqu'à ton autonomie. Tu as droit à "
                "l'erreur : on peut reconstruire un projet avec toi.</p>",
        "articles": [("travail-et-formation", "pacea"), ("vie-quotidienne", "garder-le-lien"),
                     ("loisirs-et-citoyennete", "service-civique")],
        "partners": helpers("trouver-un-emploi", "se-former", age=23, limit=4),
    },
]

"""The words of the field, explained simply: (term, expansion, definition, variants, slug); and what search
understands besides (its acronyms and synonyms come from the glossary)."""

TERMS = [
    ("ASE", "aide sociale à l'enfance",
     "Le service du Département qui protège les enfants et les jeunes quand leur famille ne peut pas s'en occuper. "
     "Il peut continuer à t'aider après 18 ans.", "aide sociale à l'enfance", "ase"),
    ("CJM", "contrat jeune majeur",
     "Un accord écrit entre toi et le Département, après 18 ans : un logement, de l'argent et un accompagnement, "
     "jusqu'à 21 ans au plus, en échange d'un projet que tu construis.", "contrat jeune majeur, contrats jeune majeur",
     "cjm"),
    ("CEJ", "contrat d'engagement jeune",
     "Un accompagnement intensif de 15 à 20 heures par semaine vers l'emploi ou la formation, avec une allocation "
     "chaque mois. Il se signe avec la Mission locale ou France Travail.", "contrat d'engagement jeune", "cej"),
    ("PACEA", "parcours contractualisé d'accompagnement vers l'emploi et l'autonomie",
     "Le parcours d'accompagnement de la Mission locale, jusqu'à 24 mois, avec parfois une aide financière.",
     "", "pacea"),
    ("E2C", "école de la deuxième chance",
     "Une école pour les 16–25 ans sortis de l'école sans diplôme : formation payée, stages en entreprise, "
     "un projet de métier.", "école de la deuxième chance, école de la 2e chance", "e2c"),
    ("FJT", "foyer de jeunes travailleurs",
     "Une résidence pour les jeunes qui travaillent, sont en formation ou en apprentissage : un logement meublé, "
     "pas cher, avec une équipe pour t'aider. On dit aussi « Habitat Jeunes ».",
     "foyer de jeunes travailleurs, foyers de jeunes travailleurs", "fjt"),
    ("CLLAJ", "comité local pour le logement autonome des jeunes",
     "Une association qui aide les jeunes à trouver un logement, à faire les dossiers et à demander les aides.",
     "", "cllaj"),
    ("SIAO", "service intégré de l'accueil et de l'orientation",
     "Le service qui gère les places d'hébergement d'urgence et d'insertion du département. On le joint en "
     "appelant le 115.", "", "siao"),
    ("MDS", "maison du Département solidarité",
     "Le lieu du Département près de chez toi, avec des travailleurs sociaux, le service de l'ASE et la PMI.",
     "maison du Département solidarité", "mds"),
    ("CSS", "complémentaire santé solidaire",
     "Une mutuelle gratuite, ou à moins de 1 € par jour, selon tes ressources. Avec la carte Vitale, elle paie "
     "presque tous tes soins.", "complémentaire santé solidaire", "css"),
    ("CAF", "caisse d'allocations familiales",
     "L'organisme qui verse les aides au logement (APL), la prime d'activité et les aides aux familles.", "",
     "caf"),
    ("CPAM", "caisse primaire d'assurance maladie",
     "L'Assurance maladie de ton département : carte Vitale, remboursement des soins, complémentaire santé "
     "solidaire.", "", "cpam"),
    ("APL", "aide personnalisée au logement",
     "L'aide de la CAF pour payer une partie de ton loyer. Elle dépend de tes ressources et de ton loyer.", "",
     "apl"),
    ("PMI", "protection maternelle et infantile",
     "Le service gratuit du Département pour les futurs parents et les enfants de moins de 6 ans : consultations, "
     "vaccins, conseils.", "", "pmi"),
    ("CCAS", "centre communal d'action sociale",
     "Le service social de ta mairie : aides d'urgence, aide alimentaire, domiciliation, accompagnement.", "",
     "ccas"),
    ("FSL", "fonds de solidarité pour le logement",
     "Une aide du Département pour entrer dans un logement (dépôt de garantie, premier loyer) ou pour garder "
     "ton logement si tu as des dettes de loyer.", "fonds de solidarité pour le logement", "fsl"),
    ("FAJ", "fonds d'aide aux jeunes",
     "Une aide financière d'urgence du Département pour les 18–25 ans en difficulté, souvent demandée avec la "
     "Mission locale.", "fonds d'aide aux jeunes", "faj"),
    ("JDC", "journée défense et citoyenneté",
     "Une journée obligatoire entre 16 et 25 ans, après le recensement. Son certificat est demandé pour passer "
     "des examens et le permis avant 25 ans.", "journée défense et citoyenneté", "jdc"),
    ("CFA", "centre de formation d'apprentis",
     "L'école où tu vas quand tu es apprenti : une partie du temps au CFA, le reste en entreprise.", "", "cfa"),
    ("PAA", "projet d'accès à l'autonomie",
     "Le plan préparé avec toi lors de l'entretien de tes 17 ans : logement, formation, argent, santé, papiers.",
     "projet d'accès à l'autonomie", "paa"),
    ("Mission locale", "",
     "Le lieu d'accueil des 16–25 ans pour l'emploi, la formation, le logement, la santé et les droits. "
     "Un conseiller te suit, gratuitement.", "missions locales", "mission-locale"),
    ("référent de parcours", "",
     "La personne que tu choisis, si tu le veux, pour rester ton repère après l'ASE et faire le lien entre les "
     "professionnels qui t'aident.", "référente de parcours, personne ressource", "referent-de-parcours"),
]

# Other words people type for an explained term: search understands them, articles do not mark them (slug → words).
SEARCH_WORDS = {
    "mission-locale": "ML",
    "fjt": "Habitat Jeunes, résidence Habitat Jeunes",
    "cjm": "accueil provisoire jeune majeur, APJM",
    "cpam": "assurance maladie, sécu, sécurité sociale",
    "css": "C2S, CMU",
    "siao": "115",
    "mds": "maison départementale des solidarités",
}

# Words search understands that the guide does not explain: (term, expansion, other words, slug). Without an
# explanation they show neither in the glossary nor in articles.
SEARCH_ONLY = [
    ("France Travail", "", "Pôle emploi", "france-travail"),
    ("PJJ", "protection judiciaire de la jeunesse", "", "pjj"),
    ("MECS", "maison d'enfants à caractère social", "", "mecs"),
    ("RSA", "revenu de solidarité active", "", "rsa"),
    ("mutuelle", "", "complémentaire santé", "mutuelle"),
    ("logement", "", "hébergement, appartement, loyer", "logement"),
    ("emploi", "", "travail, boulot, job", "emploi"),
    ("formation", "", "apprentissage, alternance", "formation"),
    ("médecin", "", "soins, santé", "medecin"),
    ("papiers", "", "carte d'identité, titre de séjour, démarches administratives", "papiers"),
    ("permis de conduire", "", "permis", "permis-de-conduire"),
]

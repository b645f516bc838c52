"""Themes: vie quotidienne, parentalité, loisirs et citoyenneté."""

from guide.content import checklist, faq, helpers, remember, steps, text

QUOTIDIEN = {
    "slug": "vie-quotidienne", "title": "Vie quotidienne",
    "intro": "Tes papiers rangés, tes démarches en ligne, tes repas, les personnes sur qui compter.",
    "partners": helpers("numerique", "equipement-et-alimentation"),
    "articles": [
        {
            "slug": "papiers-avant-18-ans", "title": "Les papiers à avoir avant 18 ans",
            "summary": "La liste des documents à réunir avec ton référent avant ta majorité.",
            "age": (16, 18),
            "body": [
                text("<p>À 18 ans, tu fais tes démarches seul. Avec ces papiers, tout est plus simple. "
                     "Vérifie-les avec ton référent lors de l'entretien de tes 17 ans.</p>"),
                checklist("Ma liste", [
                    "Carte d'identité (ou titre de séjour) en cours de validité",
                    "Acte de naissance",
                    "Carte Vitale et attestation de droits à l'Assurance maladie",
                    "Complémentaire santé solidaire",
                    "Compte bancaire à ton nom et son RIB",
                    "Attestation de recensement ou certificat de JDC",
                    "Diplômes, bulletins et attestations de formation",
                    "Numéro d'allocataire CAF si tu en as un",
                    "Carnet de santé et carnet de vaccination",
                ]),
                remember("<p>Scanne tout et range-le dans un coffre-fort numérique. Un original perdu se "
                         "remplace plus vite avec une copie.</p>"),
                helpers("difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
                        age=17),
            ],
        },
        {
            "slug": "demarches-en-ligne", "title": "Faire tes démarches en ligne",
            "summary": "CAF, Ameli, impôts : un seul identifiant, et des lieux pour t'aider si tu bloques.",
            "age": (16, 25),
            "body": [
                text("<p>Avec FranceConnect, un seul identifiant (celui d'Ameli ou des impôts, par exemple) "
                     "ouvre la plupart des sites publics. Pas d'ordinateur ? Les espaces France services "
                     "t'accueillent gratuitement, avec un ordinateur et une personne pour t'aider.</p>"),
                helpers("numerique--acceder-a-des-services-en-ligne", "numerique"),
            ],
        },
        {
            "slug": "manger-petit-budget", "title": "Bien manger avec un petit budget",
            "summary": "Faire tes courses, cuisiner simple, et savoir où trouver de l'aide alimentaire.",
            "age": (16, 25),
            "body": [
                text("<p>Fais une liste avant les courses, achète des produits de base (pâtes, riz, "
                     "légumes de saison, œufs), cuisine pour plusieurs repas. Les FJT et certaines "
                     "associations proposent des ateliers cuisine.</p>"),
                helpers("equipement-et-alimentation--alimentation"),
            ],
        },
        {
            "slug": "garder-le-lien", "title": "Garder le lien après l'ASE",
            "summary": "Ton référent, le coordonnateur de la Mission locale, ta personne ressource : qui appeler.",
            "age": (18, 25),
            "body": [
                text("<p>Ta sortie de l'ASE n'est pas une coupure. Le coordonnateur ASE de la Mission "
                     "locale peut te suivre jusqu'à ton autonomie, ou jusqu'à 25 ans. Tu as droit à "
                     "l'erreur : si un projet ne marche pas, on en construit un autre avec toi.</p>"),
                faq([("Je n'ai plus de nouvelles de mon référent, que faire ?",
                      "<p>Appelle ta MDS ou la Mission locale : ils retrouvent la bonne personne.</p>"),
                     ("Je peux aider d'autres jeunes ?",
                      "<p>Oui : le soutien entre pairs compte. Tu peux aussi siéger dans les comités "
                      "du partenariat. Dis-le à ta Mission locale.</p>")]),
                helpers("remobilisation--lien-social", "trouver-un-emploi"),
            ],
        },
    ],
}

PARENTALITE = {
    "slug": "parentalite", "title": "Parentalité",
    "intro": "Tu attends un enfant ou tu es déjà parent : le suivi de grossesse, la garde, les aides, le "
             "soutien.",
    "partners": helpers("famille", publics=("jeunes", "familles")),
    "articles": [
        {
            "slug": "attendre-un-enfant", "title": "Tu attends un enfant",
            "summary": "Le suivi gratuit de grossesse, les démarches et les aides, pas à pas.",
            "age": (16, 25),
            "body": [
                steps("Les étapes", [
                    ("Consulte tôt", "<p>Un médecin, une sage-femme ou la PMI : les consultations sont "
                     "prises en charge.</p>"),
                    ("Déclare ta grossesse", "<p>Avant la fin du 3e mois (14 semaines), à la CAF et à la "
                     "CPAM.</p>"),
                    ("Demande les aides", "<p>La CAF peut verser une prime à la naissance et d'autres "
                     "aides selon tes ressources.</p>"),
                ]),
                text("<p>Si tu es à l'ASE ou en contrat jeune majeur, dis-le à ton référent : un accueil "
                     "en centre parental ou en maison maternelle est possible.</p>"),
                helpers("famille--soutien-a-la-parentalite-et-a-leducation", publics=("jeunes", "familles")),
            ],
        },
        {
            "slug": "faire-garder-son-enfant", "title": "Faire garder ton enfant",
            "summary": "Crèche, assistante maternelle : comment trouver une place et payer moins.",
            "age": (16, 25),
            "body": [
                text("<p>Pour travailler ou te former, tu peux confier ton enfant à une crèche ou à une "
                     "assistante maternelle. La CAF aide à payer. Si tu es en insertion ou en formation, "
                     "certaines crèches réservent des places : la Mission locale et la PMI t'aident à les "
                     "trouver.</p>"),
                helpers("famille--garde-denfants", publics=("jeunes", "familles")),
            ],
        },
        {
            "slug": "jeune-parent-soutien", "title": "Être jeune parent : qui peut te soutenir",
            "summary": "Tu n'es pas seul : la PMI, les lieux d'accueil parents-enfants, les associations.",
            "age": (16, 25),
            "body": [
                text("<p>La PMI suit gratuitement ton enfant jusqu'à 6 ans : pesées, vaccins, conseils. "
                     "Les lieux d'accueil enfants-parents te permettent de rencontrer d'autres parents. "
                     "Fatigue, doutes, disputes : en parler tôt évite que ça déborde.</p>"),
                remember("<p>En cas de violences à la maison, appelle le <strong>3919</strong> (gratuit, "
                         "anonyme) ou le <strong>17</strong> en urgence.</p>"),
                helpers("famille", publics=("jeunes", "familles")),
            ],
        },
    ],
}

LOISIRS = {
    "slug": "loisirs-et-citoyennete", "title": "Loisirs et citoyenneté",
    "intro": "T'engager, voter, faire du sport, sortir : prendre ta place, à ta façon.",
    "partners": helpers("remobilisation"),
    "articles": [
        {
            "slug": "service-civique", "title": "Le service civique",
            "summary": "Une mission utile de 6 à 12 mois, payée chaque mois, sans condition de diplôme.",
            "age": (16, 25),
            "body": [
                text("<p>Le service civique est ouvert de 16 à 25 ans (30 ans en situation de handicap), "
                     "sans diplôme. Tu t'engages 24 heures par semaine au moins dans une association ou un "
                     "service public : sport, culture, solidarité, environnement. Tu reçois une "
                     "indemnité chaque mois.</p>"),
                helpers("remobilisation--benevolat-action-citoyenne"),
            ],
        },
        {
            "slug": "voter", "title": "Voter",
            "summary": "À 18 ans tu es inscrit automatiquement si tu t'es fait recenser : vérifie-le.",
            "age": (17, 25),
            "body": [
                text("<p>Si tu as fait ton recensement à 16 ans, tu es inscrit sur les listes électorales "
                     "à 18 ans. Tu peux vérifier en ligne ton inscription et ton bureau de vote. Si tu "
                     "as déménagé, inscris-toi dans ta nouvelle commune.</p>"),
                helpers("difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-a-la-citoyennete"),
            ],
        },
        {
            "slug": "sport-et-culture", "title": "Sport, culture et sorties",
            "summary": "Pass Culture, licences sportives aidées, activités gratuites : les bons plans.",
            "age": (16, 25),
            "body": [
                text("<p>Le pass Culture te donne un crédit pour des livres, places de cinéma, concerts ou "
                     "cours : vérifie le montant sur l'application. Beaucoup de clubs de sport ont des "
                     "tarifs réduits, et les maisons de quartier proposent des activités gratuites.</p>"),
                helpers("remobilisation--activites-sportives-et-culturelles"),
            ],
        },
        {
            "slug": "donner-ton-avis", "title": "Donner ton avis et t'engager",
            "summary": "Ta voix compte : dans les comités du partenariat, dans ce guide, dans les associations.",
            "age": (16, 25),
            "body": [
                text("<p>Des places sont réservées aux jeunes dans les comités qui suivent la politique "
                     "« aucune sortie sèche de l'ASE ». Tu peux y siéger, donner ton avis et proposer des "
                     "idées. Ce guide aussi a été construit avec les propositions des jeunes : à la fin de "
                     "chaque page, dis-nous ce qui t'a aidé ou ce qui manque.</p>"),
                helpers("remobilisation--benevolat-action-citoyenne", "remobilisation--bien-etre-confiance-en-soi"),
            ],
        },
    ],
}

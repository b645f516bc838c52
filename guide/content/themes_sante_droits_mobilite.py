"""Themes: santé, droits et démarches, mobilité."""

from guide.content import checklist, faq, helpers, remember, steps, text, video

SANTE = {
    "slug": "sante", "title": "Santé",
    "intro": "Ta carte Vitale, ta mutuelle, ton médecin, ton moral : prendre soin de toi, sans avancer d'argent.",
    "partners": helpers("sante"),
    "articles": [
        {
            "slug": "carte-vitale", "title": "Ta carte Vitale et ta Sécurité sociale",
            "summary": "Avoir ta propre carte Vitale et ton compte Ameli pour être remboursé.",
            "age": (16, 25),
            "body": [
                text("<p>Dès 16 ans, tu peux avoir ta propre carte Vitale. Demande-la à la CPAM, avec ton "
                     "référent si tu es encore à l'ASE. Crée aussi ton compte Ameli : tu y verras tes "
                     "remboursements et ton attestation de droits.</p>"),
                steps("Les étapes", [
                    ("Vérifie que tu es bien inscrit", "<p>Ton numéro de sécurité sociale est sur ton "
                     "attestation de droits.</p>"),
                    ("Commande ta carte", "<p>Sur ton compte Ameli, avec une photo et ta pièce "
                     "d'identité.</p>"),
                    ("Choisis un médecin traitant", "<p>Tu seras mieux remboursé.</p>"),
                ]),
                helpers("sante--acces-aux-soins"),
            ],
        },
        {
            "slug": "complementaire-sante-solidaire", "title": "La complémentaire santé solidaire (CSS)",
            "summary": "Une mutuelle gratuite ou presque, pour ne pas avancer les frais chez le médecin.",
            "age": (16, 25),
            "body": [
                text("<p>La CSS paie ce que la Sécurité sociale ne rembourse pas : consultations, "
                     "médicaments, lunettes, dentiste. Selon tes ressources, elle est gratuite ou coûte "
                     "moins de 1 € par jour. Tu la demandes sur ton compte Ameli ou à la CPAM.</p>"),
                remember("<p>Demande-la avant tes 18 ans, avec ton référent : à ta sortie de l'ASE, tu ne "
                         "dois pas rester sans mutuelle.</p>"),
                helpers("sante--acces-aux-soins", "difficultes-administratives-ou-juridiques"),
            ],
        },
        {
            "slug": "sante-mentale", "title": "Ça ne va pas fort ? Parle-en",
            "summary": "Stress, tristesse, idées noires : des personnes formées t'écoutent, gratuitement.",
            "age": (16, 25),
            "body": [
                remember("<p>Si tu penses au suicide, appelle le <strong>3114</strong>, gratuit, 24 heures "
                         "sur 24. En danger immédiat, appelle le <strong>15</strong> ou le "
                         "<strong>112</strong>.</p>", title="En urgence"),
                text("<p>Les Maisons des adolescents accueillent jusqu'à 25 ans, sans rendez-vous parfois. "
                     "Les Points accueil écoute jeunes aussi. Fil Santé Jeunes répond par téléphone et par "
                     "tchat, de façon anonyme.</p>"),
                video("Parler de son moral, ça aide", "https://videos.relais.exemple.invalid/parler-moral.mp4",
                      "<p>Une jeune femme de 19 ans raconte : « Quand je suis partie du foyer, je ne dormais "
                      "plus. J'ai fini par en parler à ma conseillère de la Mission locale. Elle m'a orientée "
                      "vers la Maison des adolescents. J'y vais une fois par semaine. Ça ne règle pas tout, "
                      "mais je ne suis plus seule avec ça. »</p>", duration="1 min 40"),
                helpers("sante--sante-mentale"),
            ],
        },
        {
            "slug": "sante-sexuelle", "title": "Contraception et santé sexuelle",
            "summary": "Contraception gratuite jusqu'à 25 ans, dépistages gratuits, des lieux pour en parler.",
            "age": (16, 25),
            "body": [
                text("<p>La contraception est gratuite jusqu'à 25 ans (consultation, pilule, implant, "
                     "stérilet). Les préservatifs sont gratuits en pharmacie pour les moins de 26 ans. Les "
                     "centres de santé sexuelle et les CeGIDD font des dépistages gratuits, et répondent à "
                     "tes questions en toute confidentialité.</p>"),
                helpers("sante--sante-sexuelle"),
            ],
        },
    ],
}

DROITS = {
    "slug": "droits-et-demarches", "title": "Droits et démarches",
    "intro": "L'entretien de tes 17 ans, le contrat jeune majeur, tes papiers, ton dossier : tes droits, "
             "expliqués simplement.",
    "partners": helpers("difficultes-administratives-ou-juridiques"),
    "articles": [
        {
            "slug": "entretien-17-ans", "title": "L'entretien de tes 17 ans",
            "summary": "Un an avant ta majorité, tu fais le point avec l'ASE pour préparer la suite.",
            "age": (16, 18),
            "body": [
                text("<p>La loi du 14 mars 2016 prévoit un entretien l'année de tes 17 ans, avec ton "
                     "référent et le responsable de l'ASE de ton territoire. On fait le bilan de ton "
                     "parcours et on prépare ton autonomie : école ou formation, logement, argent, santé, "
                     "papiers. Ce plan s'appelle le projet d'accès à l'autonomie (PAA).</p>"),
                checklist("Pour préparer ton entretien", [
                    "Ce que tu veux faire après 18 ans (même si ce n'est pas sûr)",
                    "Où tu aimerais habiter",
                    "Tes questions sur l'argent et le contrat jeune majeur",
                    "Les personnes qui comptent pour toi",
                ]),
                remember("<p>Tu peux venir avec une personne de confiance. Tu peux aussi demander qu'un "
                         "coordonnateur de la Mission locale soit là.</p>"),
                helpers("difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
                        age=17),
            ],
        },
        {
            "slug": "contrat-jeune-majeur", "title": "Le contrat jeune majeur",
            "summary": "Après 18 ans, le Département peut continuer à t'aider jusqu'à 21 ans.",
            "age": (17, 21),
            "body": [
                text("<p>Le contrat jeune majeur (CJM) est un accord entre toi et le Département. Il peut "
                     "comprendre un hébergement, une aide financière et un accompagnement éducatif, "
                     "jusqu'à tes 21 ans.</p><p>Depuis la loi Taquet du 7 février 2022, le Département doit "
                     "accompagner jusqu'à 21 ans les jeunes majeurs qui ont été confiés à l'ASE et qui n'ont "
                     "pas assez de ressources ou de soutien familial. Même si tu as refusé au début, tu peux "
                     "revenir demander de l'aide avant 21 ans.</p>"),
                steps("Comment le demander", [
                    ("Parles-en à ton référent", "<p>Idéalement dès l'entretien de tes 17 ans.</p>"),
                    ("Écris ta demande", "<p>Une lettre simple au Département : ta situation, ton projet, "
                     "ce dont tu as besoin.</p>"),
                    ("Signe ton contrat", "<p>Il fixe les engagements de chacun et sa durée. Il peut être "
                     "renouvelé.</p>"),
                ]),
                faq([("Et si je ne veux pas de contrat jeune majeur ?",
                      "<p>C'est ton droit. Le coordonnateur ASE de la Mission locale reste ton contact et "
                      "peut te proposer un CEJ.</p>"),
                     ("Je suis parti, je peux revenir ?",
                      "<p>Oui, tant que tu as moins de 21 ans. Contacte ta MDS.</p>")]),
                helpers("difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
                        age=18),
            ],
        },
        {
            "slug": "papiers-identite", "title": "Tes papiers d'identité",
            "summary": "Carte d'identité, passeport, titre de séjour : s'y prendre tôt, c'est essentiel.",
            "age": (16, 25),
            "body": [
                text("<p>Ta première carte d'identité est gratuite. Fais une pré-demande en ligne, puis "
                     "prends rendez-vous dans une mairie équipée. Si tu la perds, elle coûte un timbre "
                     "fiscal.</p><p>Si tu es de nationalité étrangère, ta demande de titre de séjour se "
                     "prépare <strong>avant tes 18 ans</strong> avec ton référent : n'attends pas.</p>"),
                remember("<p>Garde une photo ou une copie de tous tes papiers dans un espace sécurisé, "
                         "comme ton coffre-fort numérique.</p>"),
                helpers("difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"),
            ],
        },
        {
            "slug": "acces-au-dossier", "title": "Lire ton dossier de l'ASE",
            "summary": "Tu as le droit de connaître ce qui est écrit sur toi et sur ton histoire.",
            "age": (16, 25),
            "body": [
                text("<p>Ton dossier contient les décisions, les rapports et des éléments de ton histoire. "
                     "À partir de 18 ans, tu peux demander à le consulter en écrivant au Département. Tu peux "
                     "être accompagné pour le lire : certains passages peuvent être difficiles.</p>"),
                helpers("difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"),
            ],
        },
        {
            "slug": "recensement-jdc", "title": "Le recensement et la JDC",
            "summary": "À 16 ans, fais-toi recenser : c'est obligatoire pour passer tes examens et le permis.",
            "age": (16, 25),
            "body": [
                steps("Les étapes", [
                    ("Fais-toi recenser", "<p>Dans les 3 mois après tes 16 ans, à la mairie ou en ligne. "
                     "Garde l'attestation.</p>"),
                    ("Fais ta JDC", "<p>Tu reçois une convocation. La journée dure quelques heures.</p>"),
                    ("Garde ton certificat", "<p>Il est demandé pour les examens et le permis, jusqu'à "
                     "25 ans.</p>"),
                ]),
                text("<p>Le recensement t'inscrit aussi automatiquement sur les listes électorales à "
                     "18 ans.</p>"),
                helpers("difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-a-la-citoyennete"),
            ],
        },
        {
            "slug": "referent-de-parcours", "title": "Choisir ta personne ressource",
            "summary": "Une personne de confiance qui reste ton repère après l'ASE, si tu le veux.",
            "age": (16, 25),
            "body": [
                text("<p>Quand tu quittes l'ASE, tu peux choisir une personne ressource : un éducateur, un "
                     "ancien assistant familial, un conseiller, un proche. Elle devient ton référent de "
                     "parcours : elle fait le lien avec les professionnels et t'aide à ne pas rester seul "
                     "face aux démarches.</p><p>Six mois après ta sortie, ton ancien référent peut te "
                     "proposer un rendez-vous pour faire le bilan.</p>"),
                remember("<p>C'est toi qui choisis, et tu peux changer d'avis.</p>"),
                helpers("remobilisation--lien-social",
                        "difficultes-administratives-ou-juridiques--beneficier-dune-mesure-daccompagnement-adapte"),
            ],
        },
    ],
}

MOBILITE = {
    "slug": "mobilite", "title": "Mobilité",
    "intro": "Passer ton permis, te déplacer sans te ruiner, partir à l'étranger.",
    "partners": helpers("mobilite"),
    "articles": [
        {
            "slug": "permis-de-conduire", "title": "Passer ton permis de conduire",
            "summary": "Des aides existent pour payer ton permis : voici lesquelles demander.",
            "age": (17, 25),
            "body": [
                text("<p>Le permis coûte cher, mais plusieurs aides existent : le permis à 1 € par jour "
                     "(un prêt sans intérêts), l'aide de 500 € pour les apprentis, ton compte personnel de "
                     "formation si tu as travaillé, les aides de France Travail ou de ta région. Certaines "
                     "auto-écoles associatives proposent des tarifs adaptés.</p>"),
                remember("<p>Il te faudra ton attestation de recensement ou ton certificat de JDC.</p>"),
                helpers("mobilite--preparer-un-permis", "mobilite--financer-ma-mobilite"),
            ],
        },
        {
            "slug": "se-deplacer", "title": "Te déplacer sans te ruiner",
            "summary": "Tarifs jeunes, aides au transport, vélos solidaires : les bons plans pour bouger.",
            "age": (16, 25),
            "body": [
                text("<p>Les réseaux de bus et de train ont des tarifs jeunes. La Mission locale peut "
                     "t'aider à payer tes trajets pour une formation ou un entretien. Les plateformes "
                     "mobilité prêtent parfois des vélos ou des scooters.</p>"),
                helpers("mobilite--mobilite-douce-partagee-collective", "mobilite"),
            ],
        },
        {
            "slug": "partir-a-l-etranger", "title": "Partir à l'étranger",
            "summary": "Étudier, te former ou t'engager ailleurs en Europe, avec Erasmus+ ou le corps européen.",
            "age": (17, 25),
            "body": [
                text("<p>Erasmus+ ne concerne pas que les étudiants : apprentis et jeunes en formation "
                     "peuvent partir aussi. Le corps européen de solidarité propose des missions de "
                     "volontariat. Ton accompagnement peut continuer pendant ton séjour : parles-en avant "
                     "de partir.</p>"),
                helpers("souvrir-a-linternational"),
            ],
        },
    ],
}

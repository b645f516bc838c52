"""Themes: logement, travail et formation, argent."""

from guide.content import checklist, faq, helpers, remember, steps, text

LOGEMENT = {
    "slug": "logement", "title": "Logement",
    "intro": "Trouver où dormir ce soir, puis un vrai chez-toi : les solutions, les aides et les personnes "
             "qui t'accompagnent.",
    "partners": helpers("logement-hebergement"),
    "articles": [
        {
            "slug": "trouver-un-logement", "title": "Trouver un logement à la sortie de l'ASE",
            "summary": "Les différentes solutions pour te loger, même avec peu d'argent, et qui peut t'aider.",
            "age": (17, 25),
            "body": [
                text("<p>Quitter ton lieu d'accueil, ça se prépare. Parles-en avec ton référent ASE au moins "
                     "six mois avant. Plusieurs solutions existent :</p><ul><li>un foyer de jeunes travailleurs "
                     "si tu travailles ou si tu es en formation ;</li><li>une résidence sociale ou une chambre "
                     "chez l'habitant ;</li><li>un logement social, moins cher qu'un logement privé ;</li><li>une "
                     "colocation.</li></ul>"),
                remember("<p>Tu n'es pas obligé de chercher seul. Le CLLAJ et la Mission locale t'aident à "
                         "faire les dossiers et à demander les aides.</p>"),
                steps("Les étapes", [
                    ("Calcule ce que tu peux payer", "<p>Ton loyer, charges comprises, ne devrait pas dépasser "
                     "un tiers de tes ressources, une fois l'APL déduite.</p>"),
                    ("Prépare ton dossier", "<p>Pièce d'identité, justificatifs de ressources, contrat de "
                     "travail ou de formation.</p>"),
                    ("Cherche un garant", "<p>La garantie Visale d'Action Logement est gratuite pour les "
                     "moins de 31 ans.</p>"),
                    ("Demande l'APL dès ton entrée", "<p>Sur le site de la CAF, le jour où tu signes ton bail."
                     "</p>"),
                ]),
                helpers("logement-hebergement"),
            ],
        },
        {
            "slug": "foyer-de-jeunes-travailleurs", "title": "Le foyer de jeunes travailleurs (FJT)",
            "summary": "Un logement meublé et pas cher quand tu travailles, es apprenti ou en formation.",
            "age": (16, 25),
            "body": [
                text("<p>Un FJT, ou résidence Habitat Jeunes, loue des chambres ou des studios meublés aux "
                     "jeunes de 16 à 25 ans (parfois jusqu'à 30 ans) qui travaillent, sont apprentis, en "
                     "stage ou en formation. Tu paies une redevance chaque mois, et tu peux avoir l'APL.</p>"
                     "<p>Une équipe est là pour t'aider : budget, emploi, santé, vie collective.</p>"),
                faq([
                    ("Je n'ai pas encore de travail, je peux entrer ?",
                     "<p>Souvent oui, si tu as un projet en cours : formation, CEJ, recherche active. "
                     "Demande directement au foyer.</p>"),
                    ("Combien de temps je peux rester ?",
                     "<p>En général jusqu'à deux ans. C'est un tremplin vers un logement à toi.</p>"),
                ]),
                helpers("logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
                        "logement-hebergement--louer-un-logement"),
            ],
        },
        {
            "slug": "logement-social", "title": "Faire une demande de logement social",
            "summary": "Comment déposer ta demande, la renouveler chaque année et augmenter tes chances.",
            "age": (18, 25),
            "body": [
                text("<p>Un logement social (HLM) coûte moins cher qu'un logement privé. Tu peux faire ta "
                     "demande dès 18 ans, en ligne sur le site officiel de la demande de logement social ou "
                     "au guichet d'un bailleur. Tu reçois un numéro unique : garde-le.</p>"),
                steps("Les étapes", [
                    ("Remplis la demande", "<p>En ligne ou sur le formulaire papier (Cerfa 14069).</p>"),
                    ("Ajoute les justificatifs", "<p>Pièce d'identité, ressources, attestation de "
                     "prise en charge ASE ou CJM si tu en as une.</p>"),
                    ("Renouvelle chaque année", "<p>Sinon ta demande est supprimée et tu perds "
                     "ton ancienneté.</p>"),
                ]),
                remember("<p>Dis que tu sors de l'ASE : dans beaucoup de départements, ta demande peut être "
                         "examinée en priorité.</p>"),
                helpers("logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement"),
            ],
        },
        {
            "slug": "aides-au-logement", "title": "Les aides pour payer ton logement",
            "summary": "APL, garantie Visale, avance du dépôt de garantie, FSL : ce que tu peux demander.",
            "age": (18, 25),
            "body": [
                text("<ul><li><strong>L'APL</strong> de la CAF paie une partie de ton loyer chaque mois.</li>"
                     "<li><strong>Visale</strong> (Action Logement) se porte garant pour toi, gratuitement, "
                     "si tu as moins de 31 ans.</li><li><strong>L'avance Loca-Pass</strong> prête le dépôt de "
                     "garantie, sans intérêts.</li><li><strong>Le FSL</strong> du Département aide à entrer "
                     "dans un logement ou à le garder en cas de dettes.</li></ul>"),
                remember("<p>Fais ta demande d'APL le jour de ton entrée : elle n'est pas versée pour les "
                         "mois passés.</p>"),
                helpers("logement-hebergement--reduire-les-impayes-de-loyer", "difficultes-financieres"),
            ],
        },
        {
            "slug": "urgence-pas-de-logement", "title": "Tu n'as nulle part où dormir ce soir",
            "summary": "Appelle le 115, gratuit, jour et nuit : voici ce qui se passe ensuite.",
            "age": (16, 25),
            "body": [
                remember("<p>Appelle le <strong>115</strong>, gratuit, 24 heures sur 24. Si tu as moins de "
                         "18 ans, appelle le <strong>119</strong> ou va au commissariat : tu dois être mis "
                         "à l'abri.</p>", title="En urgence"),
                text("<p>Le 115 est géré par le SIAO. Il cherche une place d'hébergement d'urgence pour la "
                     "nuit. En journée, les accueils de jour te proposent une douche, un repas, un coin pour "
                     "te poser et quelqu'un à qui parler.</p><p>Si tu es sorti de l'ASE il y a peu, appelle "
                     "aussi ta MDS : tu peux encore être aidé, jusqu'à 21 ans.</p>"),
                helpers("logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
                        publics=("jeunes", "personnes-en-situation-durgence")),
            ],
        },
    ],
}

TRAVAIL = {
    "slug": "travail-et-formation", "title": "Travail et formation",
    "intro": "Trouver ta voie, te former, décrocher un contrat : la Mission locale, le CEJ, l'apprentissage, "
             "l'E2C.",
    "partners": helpers("trouver-un-emploi", "se-former", "choisir-un-metier"),
    "articles": [
        {
            "slug": "mission-locale", "title": "La Mission locale, ton premier contact",
            "summary": "Un conseiller gratuit pour l'emploi, la formation, le logement et la santé, de 16 à 25 ans.",
            "age": (16, 25),
            "body": [
                text("<p>La Mission locale accueille tous les jeunes de 16 à 25 ans qui ne sont plus à "
                     "l'école. Un conseiller t'écoute et t'aide pour tout : trouver une formation, un emploi, "
                     "un logement, te soigner, faire tes papiers.</p><p>Dans le département, chaque Mission "
                     "locale a un coordonnateur qui travaille avec l'ASE. Avec ton référent ASE, il prépare "
                     "ta sortie avec toi, en binôme.</p>"),
                steps("Comment y aller", [
                    ("Trouve la Mission locale de ton secteur", "<p>Dans l'annuaire, ci-dessous.</p>"),
                    ("Appelle ou passe sans rendez-vous", "<p>Dis que tu es ou as été accompagné par l'ASE.</p>"),
                    ("Apporte ta pièce d'identité", "<p>Et ton CV si tu en as un. Sinon, on t'aide à le faire.</p>"),
                ]),
                helpers("trouver-un-emploi", "se-former"),
            ],
        },
        {
            "slug": "contrat-engagement-jeune", "title": "Le contrat d'engagement jeune (CEJ)",
            "summary": "Un accompagnement intensif vers l'emploi, avec une allocation chaque mois.",
            "age": (16, 25),
            "body": [
                text("<p>Le CEJ s'adresse aux jeunes de 16 à 25 ans (jusqu'à 29 ans si tu as une "
                     "reconnaissance de handicap) sans emploi ni formation. Pendant 6 à 12 mois, parfois "
                     "plus, tu as un conseiller rien que pour toi et un programme de 15 à 20 heures par "
                     "semaine : ateliers, stages, formation, service civique.</p><p>Tu touches une "
                     "allocation chaque mois, selon ton âge et tes ressources.</p>"),
                remember("<p>Depuis la loi du 7 février 2022, un CEJ doit être proposé à tout jeune qui "
                         "quitte l'ASE sans solution. Demande-le à ta Mission locale ou à France Travail.</p>"),
                helpers("trouver-un-emploi", "choisir-un-metier"),
            ],
        },
        {
            "slug": "pacea", "title": "Le PACEA de la Mission locale",
            "summary": "Un parcours d'accompagnement jusqu'à 24 mois, à ton rythme, avec une aide possible.",
            "age": (16, 25),
            "body": [
                text("<p>Le PACEA est le parcours d'accompagnement de la Mission locale. Tu fixes des "
                     "objectifs avec ton conseiller : formation, emploi, logement, santé. Il peut durer "
                     "jusqu'à 24 mois. Selon ta situation, une allocation peut t'être versée pour t'aider "
                     "pendant certaines périodes.</p><p>Le CEJ est une étape plus intensive du même "
                     "accompagnement.</p>"),
                helpers("trouver-un-emploi", "remobilisation"),
            ],
        },
        {
            "slug": "ecole-de-la-deuxieme-chance", "title": "L'École de la 2e chance (E2C)",
            "summary": "Sans diplôme ? Une formation payée, des stages en entreprise et un vrai projet de métier.",
            "age": (16, 25),
            "body": [
                text("<p>L'E2C accueille les jeunes de 16 à 25 ans sortis de l'école sans diplôme ni "
                     "qualification. Tu alternes entre l'école (remise à niveau, projet) et des stages en "
                     "entreprise. Tu es stagiaire de la formation professionnelle et tu peux être "
                     "rémunéré.</p>"),
                faq([("Il faut un niveau pour entrer ?",
                      "<p>Non. On part de là où tu en es. Il faut surtout être motivé.</p>"),
                     ("Comment m'inscrire ?",
                      "<p>Par la Mission locale, ou en contactant directement l'E2C.</p>")]),
                helpers("se-former--trouver-sa-formation", "lecture-ecriture-calcul"),
            ],
        },
        {
            "slug": "apprentissage", "title": "L'apprentissage",
            "summary": "Apprendre un métier en étant payé : une partie du temps en entreprise, l'autre au CFA.",
            "age": (16, 25),
            "body": [
                text("<p>Le contrat d'apprentissage est un vrai contrat de travail, de 16 à 29 ans. Tu es "
                     "payé un pourcentage du SMIC qui augmente avec ton âge et ton année. Tu prépares un "
                     "diplôme (CAP, bac pro, BTS…) au CFA.</p>"),
                steps("Les étapes", [
                    ("Choisis un métier et un diplôme", "<p>La Mission locale peut t'aider à choisir.</p>"),
                    ("Inscris-toi dans un CFA", "<p>Le CFA t'aide souvent à trouver une entreprise.</p>"),
                    ("Trouve ton employeur", "<p>Candidatures spontanées, offres d'apprentissage.</p>"),
                ]),
                remember("<p>Un apprenti peut entrer en FJT et demander l'APL : pense au logement en même "
                         "temps que le contrat.</p>"),
                helpers("se-former", "choisir-un-metier"),
            ],
        },
        {
            "slug": "cv-et-entretien", "title": "Faire ton CV et réussir un entretien",
            "summary": "Montrer ce que tu sais faire, même sans expérience, et préparer tes réponses.",
            "age": (16, 25),
            "body": [
                text("<p>Pas d'expérience ? Tu as quand même des choses à montrer : stages, bénévolat, "
                     "sport, garde d'enfants, langues parlées. Un CV tient sur une page.</p>"),
                checklist("Avant l'entretien", ["Relire l'offre et ton CV", "Préparer deux exemples de ce que "
                          "tu sais faire", "Vérifier le trajet et l'horaire", "Préparer une question à poser"]),
                helpers("preparer-sa-candidature", "trouver-un-emploi"),
            ],
        },
    ],
}

ARGENT = {
    "slug": "argent", "title": "Argent",
    "intro": "Ouvrir un compte, faire ton budget, récupérer ton pécule, demander une bourse ou une aide "
             "d'urgence.",
    "partners": helpers("difficultes-financieres"),
    "articles": [
        {
            "slug": "compte-en-banque", "title": "Ouvrir un compte en banque",
            "summary": "Un compte à ton nom pour recevoir ton salaire, tes aides et payer ton loyer.",
            "age": (16, 25),
            "body": [
                text("<p>Avant 18 ans, tu peux ouvrir un compte avec l'accord de la personne qui exerce "
                     "l'autorité parentale ou du service de l'ASE. À 18 ans, tu l'ouvres seul. Il te faut une "
                     "pièce d'identité et un justificatif d'adresse (une attestation d'hébergement "
                     "suffit).</p>"),
                remember("<p>Si une banque refuse, demande une attestation de refus : avec elle, la Banque de "
                         "France désigne une banque qui doit t'ouvrir un compte. C'est le droit au compte.</p>"),
                helpers("difficultes-financieres--acquerir-une-autonomie-budgetaire"),
            ],
        },
        {
            "slug": "faire-son-budget", "title": "Faire ton budget",
            "summary": "Savoir ce qui rentre et ce qui sort chaque mois, pour ne pas être à découvert.",
            "age": (16, 25),
            "body": [
                steps("Ton budget en 3 étapes", [
                    ("Note ce qui rentre", "<p>Salaire, allocation CEJ ou CJM, APL, bourse.</p>"),
                    ("Note ce qui sort tous les mois", "<p>Loyer, téléphone, transport, assurance, "
                     "nourriture.</p>"),
                    ("Garde une petite réserve", "<p>Même 10 € par mois sur un livret A, c'est utile en "
                     "cas d'imprévu.</p>"),
                ]),
                text("<p>Les Points conseil budget t'aident gratuitement à faire le point, surtout si tu as "
                     "des dettes.</p>"),
                helpers("difficultes-financieres"),
            ],
        },
        {
            "slug": "pecule-ase", "title": "Ton pécule de l'ASE à 18 ans",
            "summary": "L'allocation de rentrée scolaire mise de côté pour toi t'est versée à ta majorité.",
            "age": (17, 25),
            "body": [
                text("<p>Quand tu es confié à l'ASE, l'allocation de rentrée scolaire versée pour toi est "
                     "placée à la Caisse des dépôts. Depuis la loi du 14 mars 2016, cette somme t'appartient : "
                     "elle t'est versée à ta majorité, avec les intérêts.</p>"),
                faq([("Comment je le récupère ?",
                      "<p>Parles-en avec ton référent ASE avant tes 18 ans. Il faut un compte bancaire à ton "
                      "nom.</p>"),
                     ("Je n'ai rien reçu, je fais comment ?",
                      "<p>Demande à ta MDS ou au service de l'ASE de vérifier ta situation.</p>")]),
                helpers("difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"),
            ],
        },
        {
            "slug": "bourses-etudes", "title": "Les bourses et aides pour étudier",
            "summary": "Bourse du Crous, logement étudiant, aides spécifiques : étudier est possible.",
            "age": (17, 25),
            "body": [
                text("<p>Pour la bourse sur critères sociaux, fais ton dossier social étudiant sur le site "
                     "du Crous, au printemps avant la rentrée. Si tu as été confié à l'ASE, dis-le dans ton "
                     "dossier : tu peux avoir la bourse au plus haut niveau et être prioritaire pour un "
                     "logement Crous.</p><p>Le contrat jeune majeur peut aussi t'accompagner pendant tes "
                     "études, jusqu'à 21 ans.</p>"),
                helpers("se-former--monter-son-dossier-de-formation", "difficultes-financieres"),
            ],
        },
        {
            "slug": "aide-urgence-argent", "title": "Plus d'argent pour manger ce mois-ci",
            "summary": "Aide alimentaire, épiceries solidaires, aide d'urgence : où demander sans attendre.",
            "age": (16, 25),
            "body": [
                text("<p>Le CCAS de ta mairie peut t'aider en urgence : bons alimentaires, aide financière. "
                     "Les épiceries solidaires vendent à petit prix. Le FAJ du Département aide les 18–25 "
                     "ans en difficulté : la Mission locale t'aide à le demander.</p>"),
                remember("<p>Demander de l'aide n'est pas une honte. Plus tu demandes tôt, plus c'est "
                         "simple à régler.</p>"),
                helpers("equipement-et-alimentation--alimentation", "difficultes-financieres",
                        publics=("jeunes", "personnes-en-situation-durgence")),
            ],
        },
    ],
}

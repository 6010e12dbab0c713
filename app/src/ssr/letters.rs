//! The e-mails the platform sends, in French, as plain text.

use super::mail::OutgoingMail;

const SIGNATURE: &str = "\n--\nlocactive, la location active du logement social\nCe message est envoyé automatiquement : merci de ne pas y répondre.\n";

pub fn activation(to: &str, name: &str, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "Activez votre compte locactive".into(),
        body: format!(
            "Bonjour {name},\n\nVous venez de créer un compte demandeur sur locactive. Pour l'activer, ouvrez ce lien dans les 48 heures :\n\n{link}\n\nSi vous n'êtes pas à l'origine de cette inscription, ignorez ce message : aucun compte ne sera activé.\n{SIGNATURE}"
        ),
    }
}

pub fn already_registered(
    to: &str,
    name: &str,
    login_link: &str,
    reset_link: &str,
) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "Vous avez déjà un compte locactive".into(),
        body: format!(
            "Bonjour {name},\n\nQuelqu'un, peut-être vous, a demandé à créer un compte avec cette adresse, qui en possède déjà un.\n\nPour vous connecter : {login_link}\nMot de passe oublié : {reset_link}\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n{SIGNATURE}"
        ),
    }
}

pub fn password_reset(to: &str, name: &str, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "Réinitialisation de votre mot de passe locactive".into(),
        body: format!(
            "Bonjour {name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure qui vient (il ne sert qu'une fois) :\n\n{link}\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot de passe actuel reste valable.\n{SIGNATURE}"
        ),
    }
}

pub fn invitation(
    to: &str,
    name: &str,
    role_label: &str,
    organisation: &str,
    link: &str,
) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: format!("Invitation à rejoindre {organisation} sur locactive"),
        body: format!(
            "Bonjour {name},\n\nVous êtes invité(e) sur locactive en tant que « {role_label} » pour {organisation}.\nPour accepter et choisir votre mot de passe, ouvrez ce lien dans les 7 jours :\n\n{link}\n{SIGNATURE}"
        ),
    }
}

/// How an e-mail names an offer.
pub struct OfferLabel {
    pub id: i64,
    pub typology: String,
    pub commune: String,
}

impl std::fmt::Display for OfferLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "offre n° {} ({} à {})",
            self.id, self.typology, self.commune
        )
    }
}

pub fn application_received(
    to: &str,
    name: &str,
    offer: &OfferLabel,
    closes_on: &str,
    assisted: bool,
    link: &str,
) -> OutgoingMail {
    let who = if assisted {
        "Un conseiller ou une conseillère du bailleur a enregistré pour vous"
    } else {
        "Nous avons bien reçu"
    };
    OutgoingMail {
        to: to.into(),
        subject: format!("Candidature enregistrée : {offer}"),
        body: format!(
            "Bonjour {name},\n\n{who} votre candidature à l'{offer}.\n\nLes candidatures sont ouvertes jusqu'au {closes_on} inclus. Postuler tôt ne donne aucun avantage : après la clôture, les candidatures sont classées selon la grille de cotation du territoire, puis la commission d'attribution décide. Vous serez informé(e) par e-mail de chaque étape.\n\nVous pouvez retirer votre candidature jusqu'à la clôture depuis votre espace :\n{link}\n{SIGNATURE}"
        ),
    }
}

pub fn application_withdrawn(to: &str, name: &str, offer: &OfferLabel, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: format!("Candidature retirée : {offer}"),
        body: format!(
            "Bonjour {name},\n\nVotre candidature à l'{offer} est retirée. Elle ne compte plus dans le nombre de candidatures que vous pouvez avoir en cours.\n\nSi ce retrait n'est pas de votre fait, contactez le bailleur et changez votre mot de passe.\n\nVos candidatures : {link}\n{SIGNATURE}"
        ),
    }
}

pub fn offer_status_changed(
    to: &str,
    name: &str,
    offer: &OfferLabel,
    status: crate::domain::offer::OfferStatus,
    link: &str,
) -> OutgoingMail {
    use crate::domain::offer::OfferStatus;
    let (subject, news) = match status {
        OfferStatus::Closed => (
            "Candidatures closes",
            "Les candidatures sont closes. Le bailleur va classer les candidats selon la grille de cotation du territoire et vérifier leurs conditions d'accès, puis la commission d'attribution examinera les dossiers retenus. Vous recevrez un e-mail à chaque étape, quelle que soit l'issue.",
        ),
        OfferStatus::Cancelled => (
            "Offre annulée",
            "Le bailleur a annulé cette offre : le logement ne sera pas attribué par cette annonce. Votre candidature ne compte plus dans le nombre de candidatures que vous pouvez avoir en cours.",
        ),
        _ => (
            "Offre retirée de la publication",
            "Le bailleur a retiré cette offre de la publication. Si elle est publiée de nouveau, votre candidature sera toujours enregistrée.",
        ),
    };
    OutgoingMail {
        to: to.into(),
        subject: format!("{subject} : {offer}"),
        body: format!(
            "Bonjour {name},\n\nVous avez postulé à l'{offer}.\n\n{news}\n\nVos candidatures : {link}\n{SIGNATURE}"
        ),
    }
}

pub fn renewal_reminder(to: &str, name: &str, renewal_on: &str, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "Renouvelez votre demande de logement social".into(),
        body: format!(
            "Bonjour {name},\n\nVotre demande de logement social doit être renouvelée avant le {renewal_on}. Sans renouvellement, elle sera radiée : vous perdriez son ancienneté et ne pourriez plus postuler aux offres.\n\nRenouvelez-la sur le portail de la demande de logement social ou auprès d'un guichet enregistreur, puis indiquez la nouvelle date de renouvellement dans votre profil :\n{link}\n{SIGNATURE}"
        ),
    }
}

/// One offer in a digest: its title and address in the app.
pub struct DigestLine {
    pub title: String,
    pub link: String,
}

pub fn new_offers_digest(
    to: &str,
    name: &str,
    search: &str,
    offers: &[DigestLine],
    more_link: &str,
    manage_link: &str,
) -> OutgoingMail {
    let lines: Vec<String> = offers
        .iter()
        .map(|o| format!("- {}\n  {}", o.title, o.link))
        .collect();
    let count = offers.len();
    OutgoingMail {
        to: to.into(),
        subject: if count == 1 {
            format!("1 nouvelle offre pour votre recherche : {search}")
        } else {
            format!("{count} nouvelles offres pour votre recherche : {search}")
        },
        body: format!(
            "Bonjour {name},\n\nDe nouvelles offres correspondent à votre recherche « {search} » :\n\n{}\n\nToute la recherche : {more_link}\n\nCes offres sont ouvertes pour une durée limitée. Chaque page d'offre vous dit si vous pouvez postuler.\nPour arrêter ces e-mails, supprimez l'alerte dans votre espace : {manage_link}\n{SIGNATURE}",
            lines.join("\n")
        ),
    }
}

pub fn assisted_account(to: &str, name: &str, organisation: &str, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: format!("Votre espace demandeur locactive, ouvert avec {organisation}"),
        body: format!(
            "Bonjour {name},\n\nUn conseiller ou une conseillère de {organisation} a ouvert pour vous un espace demandeur sur locactive, où sont publiés les logements sociaux vacants. Il ou elle peut vous aider à compléter votre dossier et à postuler ; vous recevrez un e-mail à chaque étape.\n\nPour consulter vous-même votre dossier et vos candidatures, choisissez votre mot de passe en ouvrant ce lien dans les 7 jours :\n{link}\n\nSi vous n'avez rien demandé, répondez à votre conseiller ou ignorez ce message.\n{SIGNATURE}"
        ),
    }
}

/// What the commission decided for one candidate, as the letter tells it.
pub enum CommissionOutcome<'a> {
    /// Attributed and offered now: answer by `respond_by`.
    Offered {
        rank: u32,
        respond_by: &'a str,
        condition: Option<&'a str>,
    },
    /// Attributed at a rank behind another candidate.
    Waiting {
        rank: u32,
        condition: Option<&'a str>,
    },
    NotAttributed {
        motive: &'a str,
    },
    Inadmissible {
        motive: &'a str,
    },
}

pub fn commission_decision(
    to: &str,
    name: &str,
    offer: &OfferLabel,
    held_on: &str,
    outcome: CommissionOutcome<'_>,
    link: &str,
) -> OutgoingMail {
    let condition_text = |condition: Option<&str>| {
        condition
            .map(|c| format!("\n\nCette attribution est prononcée sous condition suspensive : {c}. Si la pièce n'est pas reçue dans ce délai ou si les conditions d'accès ne sont plus remplies, l'attribution tombera."))
            .unwrap_or_default()
    };
    let (subject, news) = match outcome {
        CommissionOutcome::Offered {
            rank,
            respond_by,
            condition,
        } => (
            "Le logement vous est proposé",
            format!(
                "La commission d'attribution réunie le {held_on} vous a attribué ce logement (rang {rank}).{}\n\nVous avez 10 jours pour répondre, jusqu'au {respond_by} inclus : acceptez ou refusez la proposition depuis votre espace. Sans réponse dans ce délai, le logement sera proposé au candidat suivant. Un refus peut être pris en compte par la grille de cotation de votre territoire.",
                condition_text(condition)
            ),
        ),
        CommissionOutcome::Waiting { rank, condition } => (
            "Décision de la commission : attribution en rang",
            format!(
                "La commission d'attribution réunie le {held_on} vous a attribué ce logement au rang {rank}. Il vous sera proposé si les candidats classés avant vous le refusent ou ne répondent pas dans le délai de 10 jours. Vous serez prévenu(e) par e-mail dans tous les cas.{}",
                condition_text(condition)
            ),
        ),
        CommissionOutcome::NotAttributed { motive } => (
            "Décision de la commission : non-attribution",
            format!(
                "La commission d'attribution réunie le {held_on} ne vous a pas attribué ce logement.\n\nMotif : {motive}\n\nVotre demande de logement social reste active : vous pouvez postuler à d'autres offres."
            ),
        ),
        CommissionOutcome::Inadmissible { motive } => (
            "Décision de la commission : rejet pour irrecevabilité",
            format!(
                "La commission d'attribution réunie le {held_on} a rejeté votre candidature pour irrecevabilité (article R441-3 d du code de la construction et de l'habitation).\n\nMotif : {motive}\n\nCette décision vous est notifiée au titre de l'article L441-2-2 du même code. Votre demande de logement social peut être radiée dans un délai d'un mois : si votre situation a changé ou si vous contestez ce motif, adressez vos observations au bailleur sans attendre."
            ),
        ),
    };
    OutgoingMail {
        to: to.into(),
        subject: format!("{subject} : {offer}"),
        body: format!(
            "Bonjour {name},\n\nVous étiez candidat(e) à l'{offer}.\n\n{news}\n\nVos candidatures : {link}\n{SIGNATURE}"
        ),
    }
}

/// The unit passes to this candidate because those ranked above refused or did not answer.
pub fn unit_offered(
    to: &str,
    name: &str,
    offer: &OfferLabel,
    rank: u32,
    respond_by: &str,
    link: &str,
) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: format!("Le logement vous est proposé : {offer}"),
        body: format!(
            "Bonjour {name},\n\nLa commission d'attribution vous avait attribué l'{offer} au rang {rank}. Les candidats classés avant vous l'ont refusé ou n'ont pas répondu : il vous est maintenant proposé.\n\nVous avez 10 jours pour répondre, jusqu'au {respond_by} inclus, depuis votre espace. Sans réponse dans ce délai, le logement sera proposé au candidat suivant.\n\nVos candidatures : {link}\n{SIGNATURE}"
        ),
    }
}

/// The candidate did not answer within the delay.
pub fn proposal_lapsed(to: &str, name: &str, offer: &OfferLabel, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: format!("Délai de réponse dépassé : {offer}"),
        body: format!(
            "Bonjour {name},\n\nLe délai de 10 jours pour répondre à la proposition de l'{offer} est dépassé sans réponse de votre part : le logement est proposé au candidat suivant. Votre demande de logement social reste active.\n\nVos candidatures : {link}\n{SIGNATURE}"
        ),
    }
}

/// How an offer in commission ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The lease was signed with one of the candidates.
    Leased,
    /// The commission attributed the unit to none of the candidates presented.
    NoneAttributed,
    /// Every candidate it was offered to refused it or let the delay run out.
    NoneAccepted,
}

/// How the offer ended, for every applicant who is not the new tenant.
pub fn offer_concluded(
    to: &str,
    name: &str,
    offer: &OfferLabel,
    ending: Ending,
    link: &str,
) -> OutgoingMail {
    let news = match ending {
        Ending::Leased => {
            "Le bail de ce logement a été signé avec un autre candidat : cette offre est terminée."
        }
        Ending::NoneAttributed => {
            "La commission d'attribution n'a attribué ce logement à aucun des candidats présentés : cette offre est terminée sans attribution. Le bailleur pourra le proposer de nouveau."
        }
        Ending::NoneAccepted => {
            "Aucun des candidats à qui la commission avait attribué ce logement ne l'a accepté dans le délai : cette offre est terminée sans attribution. Le bailleur pourra le proposer de nouveau."
        }
    };
    OutgoingMail {
        to: to.into(),
        subject: format!("Offre terminée : {offer}"),
        body: format!(
            "Bonjour {name},\n\nVous avez postulé à l'{offer}.\n\n{news}\n\nLes offres ouvertes sont dans le catalogue ; vos candidatures : {link}\n{SIGNATURE}"
        ),
    }
}

pub fn lease_signed(to: &str, name: &str, offer: &OfferLabel, signed_on: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: format!("Bail signé : {offer}"),
        body: format!(
            "Bonjour {name},\n\nLe bail de l'{offer} a été signé le {signed_on}. Bienvenue chez vous !\n\nPensez à déclarer votre nouvelle adresse : votre demande de logement social sera radiée pour attribution.\n{SIGNATURE}"
        ),
    }
}

/// The request lapsed without renewal and is struck off (SNE rule).
pub fn struck_off(to: &str, name: &str, retention_months: u32, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "Votre demande de logement social est radiée".into(),
        body: format!(
            "Bonjour {name},\n\nVotre demande de logement social n'a pas été renouvelée à sa date anniversaire : elle est radiée. Vos candidatures aux offres encore ouvertes sont retirées et vos justificatifs sont supprimés.\n\nSi vous cherchez toujours un logement, déposez une nouvelle demande (sur www.demande-logement-social.gouv.fr ou auprès d'un guichet enregistreur), puis indiquez sa date de renouvellement dans votre profil : votre compte reprendra vie. Sans cela, votre compte et vos données seront supprimés dans {retention_months} mois.\n\nVotre profil : {link}\n{SIGNATURE}"
        ),
    }
}

/// The applicant deleted their account: a last word to the address they had.
pub fn account_deleted(to: &str, name: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "Votre compte locactive est supprimé".into(),
        body: format!(
            "Bonjour {name},\n\nVotre compte est supprimé, à votre demande : votre profil, votre foyer, vos justificatifs et vos recherches enregistrées sont effacés, et vos candidatures en cours sont retirées. Les procès-verbaux de commission et les attributions qui vous concernaient sont conservés sous un pseudonyme, comme la loi le demande.\n\nSi vous n'êtes pas à l'origine de cette suppression, contactez sans attendre le bailleur auquel vous aviez candidaté : ce message ne peut pas recevoir de réponse.\n{SIGNATURE}"
        ),
    }
}

/// The link that confirms a new address, sent to that address.
pub fn email_change_link(to: &str, name: &str, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "Confirmez votre nouvelle adresse e-mail".into(),
        body: format!(
            "Bonjour {name},\n\nVous avez demandé que votre compte locactive utilise désormais cette adresse. Pour le confirmer, ouvrez ce lien (valable 24 heures) :\n{link}\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne changera.\n{SIGNATURE}"
        ),
    }
}

/// The new address asked for is already another account's: its owner is told, nothing changes.
pub fn email_change_taken(to: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "Votre adresse e-mail a été proposée pour un autre compte".into(),
        body: format!(
            "Bonjour,\n\nQuelqu'un a demandé à utiliser cette adresse pour un autre compte locactive. Elle est déjà celle de votre compte : rien n'a changé.\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n{SIGNATURE}"
        ),
    }
}

/// The account's address changed: the old address is told.
pub fn email_changed(to: &str, name: &str, new_email: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "L'adresse e-mail de votre compte a changé".into(),
        body: format!(
            "Bonjour {name},\n\nVotre compte locactive utilise désormais l'adresse {new_email} : les prochains messages y seront envoyés.\n\nSi vous n'êtes pas à l'origine de ce changement, utilisez sans attendre « Mot de passe oublié » sur la page de connexion avec votre nouvelle adresse, ou signalez-le à l'organisme qui vous a ouvert ce compte.\n{SIGNATURE}"
        ),
    }
}

/// The password was changed from the account page.
pub fn password_changed(to: &str, name: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "Votre mot de passe a été modifié".into(),
        body: format!(
            "Bonjour {name},\n\nLe mot de passe de votre compte locactive vient d'être modifié, et vos sessions ouvertes sur d'autres appareils sont fermées.\n\nSi vous n'êtes pas à l'origine de ce changement, utilisez « Mot de passe oublié » sur la page de connexion pour en choisir un nouveau.\n{SIGNATURE}"
        ),
    }
}

//! Why the commission's work refuses a change, in the words shown to whoever tried.

use super::*;

/// Why the commission's work refuses a change as things stand: each says it in French, to
/// whoever tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    VotesOnlyWhileOpen,
    InPersonPresidentDecides,
    DecisionsOnlyWhileOpen,
    AttendanceOnlyInPerson,
    CloseOnlyOpen,
    /// Too few deliberative members took part.
    NoQuorum {
        present: u32,
        required: i64,
        remote: bool,
    },
    /// Candidates with neither a recorded decision nor a majority, by name and offer.
    Undecided(Vec<String>),
    SameRank {
        offer_id: i64,
        rank: u32,
    },
    ObservationsOnlyBeforeSigning,
    SignOnlyClosedUnsigned,
    AlreadyAnswered,
    OfferCancelled,
    ReplyTooLate,
    ConditionNotConfirmed,
    /// The quorum asked for is outside 1 and the commission's deliberative members.
    QuorumOutOfRange {
        voting: i64,
    },
    AgendaFrozen,
    ShortlistNotReady,
    AlreadyOnAgenda,
    OfferCannotGoToCommission,
    AlreadyOpen,
    /// A session opens on its planned day unless the president records it meets today.
    NotTheDay {
        planned: Date,
        early: bool,
    },
    EmptyAgenda,
    PresidentOnly,
    FindingOnlyWhileOpen,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use Refusal::*;
        match self {
            VotesOnlyWhileOpen => f.write_str("Les votes sont possibles seulement pendant la séance ouverte."),
            InPersonPresidentDecides => f.write_str("Cette séance se tient en présentiel : le président consigne les décisions."),
            DecisionsOnlyWhileOpen => f.write_str("Les décisions se consignent pendant la séance ouverte."),
            AttendanceOnlyInPerson => f.write_str("Les présences se notent pendant une séance ouverte tenue en présentiel."),
            CloseOnlyOpen => f.write_str("Seule une séance ouverte peut être close."),
            NoQuorum { present, required, remote } => write!(
                f,
                "Quorum non atteint : {present} membre(s) à voix délibérative ont participé, il en faut {required}. {}",
                if *remote {
                    "Les membres doivent voter en ligne avant la clôture."
                } else {
                    "Notez les présences avant de clore."
                }
            ),
            Undecided(who) => write!(
                f,
                "Aucune décision pour : {}. Les votes sont partagés ou absents : consignez la décision de la commission pour ces candidats.",
                who.join(", ")
            ),
            SameRank { offer_id, rank } => write!(
                f,
                "Offre n° {offer_id} : deux candidats sont attribués au même rang ({rank}). Consignez un rang distinct pour chacun."
            ),
            ObservationsOnlyBeforeSigning => f.write_str("Les observations s'ajoutent au procès-verbal d'une séance close, avant sa signature."),
            SignOnlyClosedUnsigned => f.write_str("Seul le procès-verbal d'une séance close et non encore signé peut être signé."),
            AlreadyAnswered => f.write_str("Vous avez déjà répondu à cette proposition."),
            OfferCancelled => f.write_str("Cette offre est terminée : le bailleur l'a annulée. Vous en avez été informé(e) par e-mail."),
            ReplyTooLate => f.write_str("Le délai de réponse est dépassé : le logement a été proposé au candidat suivant."),
            ConditionNotConfirmed => f.write_str("Attribution sous condition suspensive : confirmez que la pièce manquante a été reçue dans le délai avant de signer le bail."),
            QuorumOutOfRange { voting } => write!(
                f,
                "Le quorum doit être compris entre 1 et {voting} (membres à voix délibérative de la commission)."
            ),
            AgendaFrozen => f.write_str("L'ordre du jour est arrêté : la séance est ouverte ou close."),
            ShortlistNotReady => f.write_str("La liste des candidats n'est pas encore constituée pour cette offre."),
            AlreadyOnAgenda => f.write_str("Cette offre est déjà inscrite à l'ordre du jour d'une séance."),
            OfferCannotGoToCommission => f.write_str("L'offre ne peut pas passer en commission dans son état actuel."),
            AlreadyOpen => f.write_str("La séance est déjà ouverte."),
            NotTheDay { planned, early: true } => write!(
                f,
                "La séance est prévue le {} : elle s'ouvre ce jour-là. Si elle se tient aujourd'hui, cochez « La séance se tient aujourd'hui ».",
                planned.french()
            ),
            NotTheDay { planned, early: false } => write!(
                f,
                "La séance était prévue le {}. Si elle se tient aujourd'hui, cochez « La séance se tient aujourd'hui » : c'est la date que porteront le procès-verbal et les courriers.",
                planned.french()
            ),
            EmptyAgenda => f.write_str("L'ordre du jour est vide : le personnel du bailleur doit d'abord y inscrire des offres."),
            PresidentOnly => f.write_str("Seul le président ou la présidente de la commission peut le faire."),
            FindingOnlyWhileOpen => f.write_str("Le constat se consigne pendant la séance ouverte."),
        }
    }
}

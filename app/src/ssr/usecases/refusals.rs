//! How the store's refusals read at the server-function boundary: each converts with `?` into
//! the one [`AppError`], with the French words a user is shown. Failures that are not the user's
//! doing are logged with their cause and answered generically.

use crate::error::AppError;
use crate::ssr::internal;
use crate::ssr::secrets::HashError;
use crate::ssr::store::applications::{ApplyError, WithdrawError};
use crate::ssr::store::caleol::CaleolError;
use crate::ssr::store::offers::OfferWriteError;
use crate::ssr::store::rankings::RankingWriteError;

impl From<OfferWriteError> for AppError {
    fn from(error: OfferWriteError) -> Self {
        match error {
            OfferWriteError::NotFound => AppError::NotFound,
            OfferWriteError::UnitBusy => AppError::Rejected(
                "Ce logement a déjà une offre en cours : terminez-la ou annulez-la avant d'en créer une autre."
                    .into(),
            ),
            OfferWriteError::NotAllowed(status) => AppError::Rejected(format!(
                "Impossible dans l'état actuel de l'offre ({}). Rechargez la page pour voir son état.",
                status.label().to_lowercase()
            )),
            OfferWriteError::WindowOver => AppError::Rejected(
                "La période de publication est terminée : changez ses dates avant de publier."
                    .into(),
            ),
            OfferWriteError::Db(cause) => internal(cause),
        }
    }
}

impl From<CaleolError> for AppError {
    fn from(error: CaleolError) -> Self {
        match error {
            CaleolError::NotFound => AppError::NotFound,
            CaleolError::Refused(refusal) => AppError::Rejected(refusal.to_string()),
            CaleolError::Db(cause) => internal(cause),
            cause @ CaleolError::Corrupt(_) => internal(cause),
        }
    }
}

impl From<RankingWriteError> for AppError {
    fn from(error: RankingWriteError) -> Self {
        match error {
            RankingWriteError::NotFound => AppError::NotFound,
            RankingWriteError::Frozen => AppError::Rejected(
                "L'offre est passée en commission : le classement ne peut plus changer.".into(),
            ),
            RankingWriteError::Shortlist(problem) => AppError::Rejected(problem.to_string()),
            RankingWriteError::Db(cause) => internal(cause),
        }
    }
}

impl From<ApplyError> for AppError {
    fn from(error: ApplyError) -> Self {
        match error {
            ApplyError::NotOpen => AppError::Rejected(OFFER_CLOSED.into()),
            ApplyError::CapReached(cap) => AppError::Rejected(format!(
                "Déjà {cap} candidatures en cours chez ce bailleur : c'est le maximum. Retirez-en une dans « Mes candidatures » pour postuler à cette offre."
            )),
            ApplyError::Db(cause) => internal(cause),
        }
    }
}

impl From<WithdrawError> for AppError {
    fn from(error: WithdrawError) -> Self {
        match error {
            WithdrawError::NotFound => AppError::NotFound,
            WithdrawError::TooLate => AppError::Rejected(
                "Les candidatures à cette offre sont closes : votre candidature ne peut plus être retirée. Si vous ne souhaitez plus ce logement, dites-le au bailleur quand il vous contactera.".into(),
            ),
            WithdrawError::Db(cause) => internal(cause),
        }
    }
}

impl From<crate::ssr::search::SearchError> for AppError {
    fn from(error: crate::ssr::search::SearchError) -> Self {
        internal(error)
    }
}

impl From<HashError> for AppError {
    fn from(error: HashError) -> Self {
        internal(error)
    }
}

/// Why an application is refused when its offer no longer takes any.
pub const OFFER_CLOSED: &str = "Cette offre n'est plus ouverte aux candidatures.";

//! The one error type of the server-function boundary.
//!
//! Every server function returns `Result<T, AppError>`. Messages are French because they are shown
//! to users as they are; causes of internal failures are logged on the server and never sent.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// Validation messages keyed by form field name, in the order the checks ran.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_string(), message.into()));
    }

    /// The first message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when no check failed, otherwise the whole set as an [`AppError::Invalid`].
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Le formulaire contient des erreurs : corrigez les champs signalés.")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Rejected(String),
    /// A malformed address or parameter (for example in the catalogue's URL).
    #[error("{0}")]
    BadRequest(String),
    #[error("Vous devez vous connecter pour accéder à cette page.")]
    Unauthenticated,
    #[error("Vous n'avez pas accès à cette ressource.")]
    Forbidden,
    #[error("La ressource demandée est introuvable.")]
    NotFound,
    #[error("Trop de tentatives. Patientez quelques minutes avant de réessayer.")]
    RateLimited,
    #[error(
        "Le service a rencontré un problème. Réessayez dans un instant ; s'il persiste, contactez le support."
    )]
    Internal,
    #[error("La requête n'a pas pu aboutir. Vérifiez votre connexion et réessayez.")]
    Transport(String),
}

impl AppError {
    /// A single-field validation failure.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        AppError::Invalid(errors)
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Invalid(errors) => Some(errors),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Invalid(_) | AppError::Rejected(_) => 422,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::RateLimited => 429,
            AppError::Internal => 500,
            AppError::Transport(_) | AppError::BadRequest(_) => 400,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

/// A database failure is never the user's doing: its cause is logged, the answer is generic.
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        crate::ssr::internal(error)
    }
}

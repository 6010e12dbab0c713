//! Plain answers of the file routes (uploads and downloads): a short French message that the
//! error pages draw in the site's frame, and who may call.

use app::model::Role;
use app::ssr::Caller;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

pub(crate) fn page(status: StatusCode, message: &str) -> Response {
    let mut response = (
        status,
        [
            ("content-type", "text/plain; charset=utf-8"),
            // Marks the message as the site's own, shown on the error page (error_pages.rs).
            ("content-language", "fr"),
        ],
        message.to_string(),
    )
        .into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        // The upload limits count per hour: past that, the sender is sure to be let in.
        response
            .headers_mut()
            .insert("retry-after", axum::http::HeaderValue::from_static("3600"));
    }
    response
}

/// The signed-in user, or the answer for anyone else: sign in first.
pub(crate) fn signed_in(caller: Caller) -> Result<app::model::CurrentUser, Response> {
    caller
        .0
        .ok_or_else(|| Redirect::to("/connexion").into_response())
}

pub(crate) fn forbidden() -> Response {
    page(
        StatusCode::FORBIDDEN,
        "Vous n'avez pas accès à cette ressource.",
    )
}

/// The signed-in staff member and their organisation, or the answer for anyone else: sign in
/// first (anonymous), or 403.
pub(crate) fn staff_caller(
    caller: Caller,
) -> Result<(app::model::CurrentUser, app::model::NamedRef), Response> {
    let user = signed_in(caller)?;
    match (user.role, user.organisation.clone()) {
        (Role::Staff, Some(organisation)) => Ok((user, organisation)),
        _ => Err(forbidden()),
    }
}

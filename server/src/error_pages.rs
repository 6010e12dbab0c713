//! The pages a browser gets when the server itself answers an error (a body over its limit, a
//! cross-site form, a stuck request, a panic, a refusal from an upload route): in the site's
//! frame, saying what happened and what to do next, with a way back. Errors inside pages are
//! drawn by the app itself (`ErrorPanel`, the 404 route).

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

/// What each status means for the person reading, and what to do about it.
fn wording(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => (
            "Demande incorrecte",
            "Revenez à la page précédente, vérifiez ce que vous avez saisi, puis réessayez.",
        ),
        401 => (
            "Connexion requise",
            "Connectez-vous, puis revenez à la page que vous vouliez ouvrir.",
        ),
        403 => (
            "Accès refusé",
            "Cette action n'est pas autorisée. Si vous pensez y avoir droit, connectez-vous avec le bon compte, puis réessayez depuis les pages du site.",
        ),
        404 => (
            "Page introuvable",
            "L'adresse ne correspond à aucune page ou ressource. Revenez à la page précédente ou repartez de l'accueil.",
        ),
        413 => (
            "Fichier ou formulaire trop volumineux",
            "Rien n'a été enregistré. Réduisez le fichier (un scan en qualité « document », une photo plus petite) ou raccourcissez les textes, puis envoyez-le de nouveau depuis la page précédente.",
        ),
        429 => (
            "Trop de demandes en peu de temps",
            "Rien n'a été enregistré. Patientez quelques minutes avant de réessayer.",
        ),
        503 => (
            "Service momentanément indisponible",
            "La réponse a pris trop de temps. Vérifiez si l'opération a été enregistrée avant de la refaire, puis réessayez dans un instant.",
        ),
        code if (400..500).contains(&code) => (
            "Demande impossible",
            "Le serveur n'a pas pu traiter cette demande. Revenez à la page précédente et réessayez ; rien n'a été enregistré.",
        ),
        _ => (
            "Erreur interne",
            "Le service a rencontré un problème inattendu. Réessayez dans un instant ; s'il persiste, contactez le bailleur ou le support.",
        ),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page the person came from, if it is one of this site's: the way back.
fn back_link(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let path = ["http://", "https://"]
        .iter()
        .find_map(|scheme| referer.strip_prefix(scheme)?.strip_prefix(host))?;
    app::domain::account::return_path(path).map(str::to_string)
}

/// The whole page: the site's header and footer around the message and the ways on.
pub fn page(status: StatusCode, detail: Option<&str>, back: Option<&str>) -> String {
    let (title, next) = wording(status);
    let detail = detail
        .filter(|d| !d.trim().is_empty())
        .map(|d| format!("<p>{}</p>", escape(d.trim())))
        .unwrap_or_default();
    let back = back
        .map(|href| {
            format!(
                "<li><a href=\"{}\">Revenir à la page précédente</a></li>",
                escape(href)
            )
        })
        .unwrap_or_default();
    let sign_in = if status == StatusCode::UNAUTHORIZED {
        "<li><a href=\"/connexion\">Se connecter</a></li>"
    } else {
        ""
    };
    format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · locactive</title><link rel=\"stylesheet\" href=\"{css}\"></head><body>\
         <a class=\"skip-link\" href=\"#contenu\">Aller au contenu</a>\
         <header class=\"site-header\"><div class=\"site-header-inner\">\
         <a class=\"brand\" href=\"/\">locactive<span class=\"brand-tagline\"> · location active du logement social</span></a>\
         <nav aria-label=\"Navigation principale\"><ul class=\"nav\"><li><a href=\"/\">Accueil</a></li>\
         <li><a href=\"/offres\">Offres</a></li><li><a href=\"/espace\">Mon espace</a></li></ul></nav></div></header>\
         <main id=\"contenu\" tabindex=\"-1\"><section class=\"panel narrow panel-error\" aria-labelledby=\"erreur-titre\">\
         <h1 id=\"erreur-titre\">{title}</h1>{detail}<p>{next}</p>\
         <ul class=\"next-steps\">{back}{sign_in}<li><a href=\"/\">Retour à l'accueil</a></li></ul>\
         <p class=\"hint\">Code de l'erreur : {code}</p></section></main>\
         <footer class=\"site-footer\"><p>locactive — les logements sociaux vacants publiés par les bailleurs, ouverts aux candidatures des demandeurs.</p></footer>\
         </body></html>",
        code = status.as_u16(),
        css = crate::assets::stylesheet_href(),
    )
}

/// An error page answered as is.
pub fn response(status: StatusCode, detail: Option<&str>, headers: Option<&HeaderMap>) -> Response {
    let back = headers.and_then(back_link);
    (status, Html(page(status, detail, back.as_deref()))).into_response()
}

fn wants_page(headers: &HeaderMap, path: &str) -> bool {
    !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
}

/// Turns a plain-text error answered to a browser page (an extractor's rejection, an upload
/// route's refusal, the body limit) into the site's error page, keeping its message.
pub async fn styled(request: Request, next: Next) -> Response {
    let page_request = wants_page(request.headers(), request.uri().path());
    let headers = page_request.then(|| request.headers().clone());
    let response = next.run(request).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    let Some(headers) =
        headers.filter(|_| plain && (status.is_client_error() || status.is_server_error()))
    else {
        return response;
    };
    // Only the site's own messages, which say they are French, are shown: a framework's
    // rejection (in English, about the request's syntax) is replaced by the status's words.
    let ours = response
        .headers()
        .get(header::CONTENT_LANGUAGE)
        .is_some_and(|v| v.as_bytes() == b"fr");
    let (parts, body) = response.into_parts();
    let detail = match ours {
        true => axum::body::to_bytes(body, 4 * 1024)
            .await
            .ok()
            .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok()),
        false => None,
    };
    let mut styled = self::response(status, detail.as_deref(), Some(&headers));
    // Cookies, Allow, Retry-After, caching: what the first answer said still holds.
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE
            && name != header::CONTENT_LENGTH
            && name != header::CONTENT_LANGUAGE
        {
            styled.headers_mut().append(name.clone(), value.clone());
        }
    }
    styled
}

/// For the panic guard, which has no request at hand.
pub fn internal_error() -> Response {
    let mut response = response(StatusCode::INTERNAL_SERVER_ERROR, None, None);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_page_has_the_frame_a_title_and_a_way_on() {
        for code in [400, 401, 403, 404, 413, 429, 500, 503] {
            let status = StatusCode::from_u16(code).unwrap();
            let html = page(status, Some("Détail <précis>"), Some("/espace/profil"));
            assert!(html.contains("class=\"site-header\""), "{code}");
            assert!(html.contains("class=\"site-footer\""), "{code}");
            assert!(html.contains(&format!(
                "<h1 id=\"erreur-titre\">{}</h1>",
                wording(status).0
            )));
            assert!(html.contains("Détail &lt;précis&gt;"), "{code}");
            assert!(html.contains("href=\"/espace/profil\""), "{code}");
        }
    }

    #[test]
    fn the_way_back_is_a_page_of_this_site_only() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("locactive.fr"));
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("https://locactive.fr/espace/profil#justificatifs"),
        );
        assert_eq!(
            back_link(&headers).as_deref(),
            Some("/espace/profil#justificatifs")
        );
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("https://ailleurs.example/x"),
        );
        assert_eq!(back_link(&headers), None);
    }
}

//! Bulk import of units from CSV: dry run first, all or nothing, per-row errors with line
//! numbers, scoped to the organisation.

use crate::common::{Backend, PASSWORD, TestApp, new_client, spawn_app};
use app::model::Role;

on_both_backends!(
    a_valid_file_is_checked_then_imported_once_and_a_second_import_updates,
    a_file_with_errors_reports_each_line_and_imports_nothing,
    imports_are_for_staff_of_their_own_organisation_only,
);

const HEADER: &str = "reference;adresse;commune_insee;quartier;qpv;typologie;surface_m2;etage;ascenseur;dpe;financement;loyer;charges;periode_construction;description";

/// Uploads `content` as the browser form does; returns the status and the redirect target.
async fn upload(app: &TestApp, client: &reqwest::Client, content: &str) -> (u16, String) {
    let part = reqwest::multipart::Part::bytes(content.as_bytes().to_vec())
        .file_name("logements.csv")
        .mime_str("text/csv")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("fichier", part);
    let response = client
        .post(app.url("/gestion/import/fichier"))
        .header("Origin", app.address.clone())
        .multipart(form)
        .send()
        .await
        .expect("request sent");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (response.status().as_u16(), location)
}

fn import_id(location: &str) -> String {
    location
        .strip_prefix("/gestion/import/")
        .unwrap_or_else(|| panic!("unexpected redirect {location}"))
        .to_string()
}

async fn report(app: &TestApp, client: &reqwest::Client, id: &str) -> serde_json::Value {
    let response = app
        .call_with(client, "gestion/import/rapport", &[("id", id)])
        .await;
    assert!(
        response.status().is_success(),
        "report: {}",
        response.status()
    );
    response.json().await.unwrap()
}

async fn a_valid_file_is_checked_then_imported_once_and_a_second_import_updates(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, organisation) = app.staff_of("Habitat Test", "999000011").await;
    let file = format!(
        "{HEADER}\nIMP-1;3 rue Battant;25056;Battant;oui;T3;64;2;non;C;PLUS;412,50;95;1949-1974;Balcon\n\
         IMP-2;5 rue de Belfort;25388;;non;T2;45;0;oui;D;PLAI;310;60;après 2005;Rénové\n"
    );
    let (status, location) = upload(&app, &staff, &file).await;
    assert_eq!(status, 303);
    let id = import_id(&location);
    let checked = report(&app, &staff, &id).await;
    assert_eq!(checked["status"], "checked");
    assert_eq!(checked["new_units"], 2);
    // The dry run wrote nothing.
    assert_eq!(app.count("SELECT COUNT(*) FROM units").await, 0);

    let response = app
        .call_with(&staff, "gestion/import/appliquer", &[("id", &id)])
        .await;
    assert!(response.status().is_success());
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM units WHERE organisation_id = {organisation}"
        ))
        .await,
        2
    );
    assert_eq!(report(&app, &staff, &id).await["status"], "applied");
    // A double click does not import twice.
    let again = app
        .call_with(&staff, "gestion/import/appliquer", &[("id", &id)])
        .await;
    assert_eq!(again.status(), 422);
    assert_eq!(app.count("SELECT COUNT(*) FROM units").await, 2);

    // The same reference updates the unit.
    let update = format!(
        "{HEADER}\nIMP-1;3 rue Battant;25056;Battant;oui;T3;64;2;non;C;PLUS;430;95;1949-1974;Balcon\n"
    );
    let (_, location) = upload(&app, &staff, &update).await;
    let id = import_id(&location);
    let checked = report(&app, &staff, &id).await;
    assert_eq!(
        (
            checked["new_units"].as_i64(),
            checked["updated_units"].as_i64()
        ),
        (Some(0), Some(1))
    );
    assert!(
        app.call_with(&staff, "gestion/import/appliquer", &[("id", &id)])
            .await
            .status()
            .is_success()
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM units WHERE reference = 'IMP-1' AND rent_cents = 43000")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM units").await, 2);
}

async fn a_file_with_errors_reports_each_line_and_imports_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, _) = app.staff_of("Habitat Test", "999000011").await;
    let file = format!(
        "{HEADER}\nIMP-1;3 rue Battant;25056;Battant;oui;T3;64;2;non;C;PLUS;412,50;95;1949-1974;Balcon\n\
         IMP-2;;25056;;non;T9;45;0;oui;D;PLAI;310;60;après 2005;\n\
         IMP-1;1 rue;25056;;non;T2;40;0;non;C;PLUS;300;0;1949-1974;\n"
    );
    let (status, location) = upload(&app, &staff, &file).await;
    assert_eq!(status, 303);
    let id = import_id(&location);
    let invalid = report(&app, &staff, &id).await;
    assert_eq!(invalid["status"], "invalid");
    let errors: Vec<(i64, String)> = invalid["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap(),
                e["column"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(errors.contains(&(3, "adresse".into())), "{errors:?}");
    assert!(errors.contains(&(3, "typologie".into())), "{errors:?}");
    assert!(errors.contains(&(4, "reference".into())), "{errors:?}");
    let response = app
        .call_with(&staff, "gestion/import/appliquer", &[("id", &id)])
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(app.count("SELECT COUNT(*) FROM units").await, 0);

    // A file whose columns are wrong stops at line 1; an empty upload is sent back to the form.
    let (_, location) = upload(&app, &staff, "ref;prix\nA;3\n").await;
    let wrong = report(&app, &staff, &import_id(&location)).await;
    assert!(
        wrong["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["line"] == 1)
    );
    let (status, location) = upload(&app, &staff, "").await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/gestion/import?fichier=absent")
    );
}

async fn imports_are_for_staff_of_their_own_organisation_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, _) = app.staff_of("Habitat Test", "999000011").await;
    let (other, _) = app.staff_of("Autre Bailleur", "999000029").await;
    let file = format!(
        "{HEADER}\nIMP-1;3 rue Battant;25056;Battant;oui;T3;64;2;non;C;PLUS;412,50;95;1949-1974;Balcon\n"
    );
    let (_, location) = upload(&app, &owner, &file).await;
    let id = import_id(&location);
    let response = app
        .call_with(&other, "gestion/import/rapport", &[("id", &id)])
        .await;
    assert_eq!(response.status(), 404);
    let response = app
        .call_with(&other, "gestion/import/appliquer", &[("id", &id)])
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(app.count("SELECT COUNT(*) FROM units").await, 0);

    let anonymous = new_client();
    let (status, location) = upload(&app, &anonymous, &file).await;
    assert_eq!((status, location.as_str()), (303, "/connexion"));
    app.create_user("lea@exemple.fr", PASSWORD, Role::Applicant, None, None)
        .await;
    let applicant = new_client();
    assert!(
        app.login(&applicant, "lea@exemple.fr", PASSWORD)
            .await
            .status()
            .is_success()
    );
    let (status, _) = upload(&app, &applicant, &file).await;
    assert_eq!(status, 403);
    // Too big is refused before being read: a 413, or the connection closed mid-upload when the
    // answer comes before the client has finished sending.
    let huge = "x".repeat(app::ssr::import::MAX_BYTES + 100 * 1024);
    let part = reqwest::multipart::Part::bytes(huge.into_bytes()).file_name("gros.csv");
    let sent = owner
        .post(app.url("/gestion/import/fichier"))
        .header("Origin", app.address.clone())
        .multipart(reqwest::multipart::Form::new().part("fichier", part))
        .send()
        .await;
    match sent {
        Ok(response) => assert_eq!(response.status(), 413),
        Err(error) => assert!(error.is_request(), "{error}"),
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM unit_imports").await, 1);
}

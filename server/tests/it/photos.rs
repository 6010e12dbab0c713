//! Photos of units: type read from the bytes, size limits, thumbnails, alt text, visibility.

use crate::common::http_get;
use crate::common::{Backend, PASSWORD, TestApp, join_all, new_client, spawn_app};
use app::model::Role;
use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};
use std::io::Cursor;

on_both_backends!(
    a_photo_is_converted_shown_with_the_offer_and_hidden_before_publication,
    files_that_are_not_photos_or_lack_a_description_are_refused,
    the_photo_allowance_holds_when_uploads_arrive_together,
);

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = ImageBuffer::from_fn(width, height, |x, y| {
        Rgb([(x % 250) as u8, (y % 250) as u8, 90])
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(image)
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

async fn staff_with_unit(app: &TestApp) -> (reqwest::Client, i64) {
    let (staff, _) = app.staff_of("Habitat Test", "999000011").await;
    let form = [
        ("unit_id", "0"),
        ("reference", "PH-1"),
        ("address", "1 rue Battant"),
        ("commune_insee", "25056"),
        ("typology", "T2"),
        ("surface_m2", "40"),
        ("energy_label", "C"),
        ("financing", "PLUS"),
        ("rent_euros", "350"),
        ("construction_period", "1949-1974"),
        ("description", "Avec photos."),
    ];
    assert!(
        app.call_with(&staff, "gestion/logement/enregistrer", &form)
            .await
            .status()
            .is_success()
    );
    let (unit,): (i64,) = sqlx::query_as("SELECT id FROM units WHERE reference = 'PH-1'")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    (staff, unit)
}

async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    unit: i64,
    bytes: Vec<u8>,
    name: &str,
    alt: &str,
) -> String {
    let form = reqwest::multipart::Form::new()
        .part(
            "photo",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        )
        .text("alt", alt.to_string());
    let response = client
        .post(app.url(&format!("/gestion/logements/{unit}/photos")))
        .header("Origin", app.address.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    response.headers()["location"].to_str().unwrap().to_string()
}

async fn a_photo_is_converted_shown_with_the_offer_and_hidden_before_publication(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, unit) = staff_with_unit(&app).await;
    let location = send(
        &app,
        &staff,
        unit,
        png(2400, 1200),
        "sejour.png",
        "Séjour lumineux",
    )
    .await;
    assert_eq!(
        location,
        format!("/gestion/logements/{unit}?photo=ajoutee#photos")
    );
    let (photo, width, height): (i64, i64, i64) =
        sqlx::query_as("SELECT id, width, height FROM unit_photos")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!((width, height), (1600, 800));

    // Staff see it at once; the public only once the unit is on a published offer.
    let own = staff
        .get(app.url(&format!("/photos/{photo}/vignette")))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    assert_eq!(own.headers()["content-type"], "image/jpeg");
    let thumb = image::load_from_memory(&own.bytes().await.unwrap()).unwrap();
    assert!(thumb.width() <= 480 && thumb.height() <= 360);
    let public = http_get(app.url(&format!("/photos/{photo}")))
        .await
        .unwrap();
    assert_eq!(public.status(), 404);

    let unit_id = unit.to_string();
    let today = app::domain::calendar::paris_date(app::ssr::db::now());
    let (opens, closes) = (today.iso(), today.add_days(7).iso());
    let created = app
        .call_with(
            &staff,
            "gestion/offre/creer",
            &[
                ("unit_id", &unit_id),
                ("opens_on", &opens),
                ("closes_on", &closes),
                ("categories[]", "tout_public"),
            ],
        )
        .await;
    assert!(created.status().is_success());
    let (offer,): (i64,) = sqlx::query_as("SELECT id FROM offers")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let offer_id = offer.to_string();
    let published = app
        .call_with(
            &staff,
            "gestion/offre/statut",
            &[("offer_id", &offer_id), ("to", "published")],
        )
        .await;
    assert!(published.status().is_success());
    let public = http_get(app.url(&format!("/photos/{photo}")))
        .await
        .unwrap();
    assert_eq!(public.status(), 200);
    let detail: serde_json::Value = http_get(app.url(&format!("/api/v1/offres/{offer}")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["photos"][0]["alt"], "Séjour lumineux");
    let page = http_get(app.url(&format!("/offres/{offer}")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The unit has no neighbourhood: no empty "Quartier" line on its page.
    assert!(!page.contains("<dt>Quartier</dt>"));
    assert!(
        page.contains(&format!("/photos/{photo}/vignette"))
            && page.contains("alt=\"Séjour lumineux\""),
        "{page}"
    );

    // Another organisation cannot add to or remove from this unit.
    let other = app.create_organisation("Autre", "999000029").await;
    app.create_user("autre@test.fr", PASSWORD, Role::Staff, Some(other), None)
        .await;
    let intruder = new_client();
    assert!(
        app.login(&intruder, "autre@test.fr", PASSWORD)
            .await
            .status()
            .is_success()
    );
    let form = reqwest::multipart::Form::new()
        .part(
            "photo",
            reqwest::multipart::Part::bytes(png(20, 20)).file_name("x.png"),
        )
        .text("alt", "Intrusion");
    let response = intruder
        .post(app.url(&format!("/gestion/logements/{unit}/photos")))
        .header("Origin", app.address.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let photo_id = photo.to_string();
    let response = app
        .call_with(
            &intruder,
            "gestion/photo/supprimer",
            &[("photo_id", &photo_id)],
        )
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(app.count("SELECT COUNT(*) FROM unit_photos").await, 1);
    let response = app
        .call_with(
            &staff,
            "gestion/photo/supprimer",
            &[("photo_id", &photo_id)],
        )
        .await;
    assert!(response.status().is_success());
    assert_eq!(app.count("SELECT COUNT(*) FROM unit_photos").await, 0);
}

async fn files_that_are_not_photos_or_lack_a_description_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, unit) = staff_with_unit(&app).await;
    let refused = [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            "photo.jpg",
            "Une fausse photo",
            "type",
        ),
        (
            png(30, 30)[..40].to_vec(),
            "cassee.png",
            "Une photo cassée",
            "illisible",
        ),
        (png(30, 30), "ok.png", "", "alt"),
    ];
    for (bytes, name, alt, code) in refused {
        let location = send(&app, &staff, unit, bytes, name, alt).await;
        assert_eq!(
            location,
            format!("/gestion/logements/{unit}?photo={code}#photos"),
            "{name}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM unit_photos").await, 0);
    let page = app
        .page_text(&staff, &format!("/gestion/logements/{unit}?photo=type"))
        .await;
    assert!(page.contains("pas une photo JPEG, PNG ou WebP"));
}

async fn the_photo_allowance_holds_when_uploads_arrive_together(backend: Backend) {
    let app = spawn_app(backend).await;
    let (staff, unit) = staff_with_unit(&app).await;
    let photo = png(40, 30);
    for n in 0..10 {
        let location = send(
            &app,
            &staff,
            unit,
            photo.clone(),
            "p.png",
            &format!("Pièce {n}"),
        )
        .await;
        assert!(location.ends_with("photo=ajoutee#photos"), "{location}");
    }
    // Eight more at once, for the two places left: each counts under the unit's lock.
    let alts: Vec<String> = (0..8).map(|n| format!("Vue {n}")).collect();
    let together = alts
        .iter()
        .map(|alt| send(&app, &staff, unit, photo.clone(), "p.png", alt));
    let locations = join_all(together.collect()).await;
    let added = locations
        .iter()
        .filter(|l| l.ends_with("photo=ajoutee#photos"))
        .count();
    let full = locations
        .iter()
        .filter(|l| l.ends_with("photo=nombre#photos"))
        .count();
    assert_eq!((added, full), (2, 6), "{locations:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM unit_photos").await, 12);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'unit.photo'")
            .await,
        12
    );
}

//! Staff back office for units: create and edit a unit, its photos, and putting it on offer.
//! Everything is scoped to the staff member's organisation.

use crate::components::commune::CommuneField;
use crate::components::form::KeptForm;
use crate::components::form::{
    CheckField, Field, FormAlert, SelectField, TextAreaField, field_errors, field_message, options,
};
use crate::components::notices::success_flag;
use crate::components::outcome::loaded;
use crate::components::route::id_param;
use crate::domain::offer::{
    Accessibility, ConstructionPeriod, EnergyLabel, Financing, Reservataire, Typology,
};
use crate::error::AppError;
use crate::model::UnitEditor;
use crate::pages::staff_offers::{CategoryChoices, CreateOffer, StaffOfferTable};
use leptos::prelude::*;
use leptos_meta::Title;

#[server(endpoint = "gestion/logement")]
pub async fn load_unit_editor(id: i64) -> Result<UnitEditor, AppError> {
    use crate::domain::offer::UnitInput;
    use crate::ssr::{respond, state, store::offers};
    respond(async move {
        let organisation = crate::ssr::usecases::Staff::current()
            .await?
            .organisation_id;
        let pool = state()?.db.pool().clone();
        let listed = crate::ssr::import::OwnedUnitContext::of(&pool, organisation)
            .await?
            .qpvs;
        let qpvs: Vec<(String, String)> = listed
            .iter()
            .map(|q| {
                let commune = crate::ssr::reference::commune_name(&q.commune_insee);
                (
                    q.code.clone(),
                    format!("{} ({commune}) — {}", q.name, q.code),
                )
            })
            .collect();
        let flux_year = crate::ssr::subject::today().year;
        if id == 0 {
            return Ok(UnitEditor {
                qpvs,
                orientation: Vec::new(),
                flux_year,
                unit_id: None,
                input: UnitInput {
                    energy_label: "D".into(),
                    ..UnitInput::default()
                },
                offers: Vec::new(),
                has_live_offer: false,
                photos: Vec::new(),
            });
        }
        let mut input = crate::ssr::store::units::unit_input(&pool, organisation, id)
            .await?
            .ok_or(AppError::NotFound)?;
        // A unit flagged QPV before its territory listed them: its quartier, found by name, is
        // preselected (the checkbox keeps the flag either way).
        if input.in_qpv && input.qpv_code.is_empty() {
            let commune = crate::domain::territory::Places::commune(
                crate::ssr::reference::national(),
                &input.commune_insee,
            )
            .map(|p| p.parent_insee.clone().unwrap_or_else(|| p.insee.clone()));
            if let Some(q) = listed.iter().find(|q| {
                Some(&q.commune_insee) == commune.as_ref()
                    && q.name.to_lowercase() == input.neighbourhood.trim().to_lowercase()
            }) {
                input.qpv_code = q.code.clone();
            }
        }
        let orientation = crate::ssr::usecases::flux::choices_for(
            &pool,
            organisation,
            &input.commune_insee,
            flux_year,
        )
        .await?;
        // The field shows the commune as people read it; its label resolves back to the code.
        if let Some(place) = crate::domain::territory::Places::commune(
            crate::ssr::reference::national(),
            &input.commune_insee,
        ) {
            input.commune_insee = place.label();
        }
        let list = offers::unit_offers(&pool, organisation, id).await?;
        let has_live_offer = list.iter().any(|o| {
            crate::domain::offer::OfferStatus::parse(&o.status)
                .is_some_and(|s| s.can_become(crate::domain::offer::OfferStatus::Cancelled))
        });
        let photos = crate::ssr::store::photos::for_units(&pool, &[id])
            .await?
            .into_iter()
            .map(|(_, photo)| photo)
            .collect();
        Ok(UnitEditor {
            qpvs,
            orientation,
            flux_year,
            unit_id: Some(id),
            input,
            offers: list,
            has_live_offer,
            photos,
        })
    })
    .await
}

#[server(endpoint = "gestion/logement/enregistrer")]
#[allow(clippy::too_many_arguments)]
pub async fn save_unit(
    unit_id: i64,
    reference: String,
    address: String,
    commune_insee: String,
    #[server(default)] neighbourhood: String,
    #[server(default)] in_qpv: String,
    #[server(default)] qpv_code: String,
    typology: String,
    surface_m2: String,
    #[server(default)] floor: String,
    #[server(default)] has_lift: String,
    #[server(default)] accessibility: String,
    energy_label: String,
    financing: String,
    rent_euros: String,
    #[server(default)] charges_euros: String,
    #[server(default)] reservataire: String,
    construction_period: String,
    #[server(default)] description: String,
) -> Result<(), AppError> {
    use crate::domain::offer::UnitInput;
    use crate::ssr::{respond, state};
    respond(async move {
        let staff = crate::ssr::usecases::Staff::current().await?;
        let organisation = staff.organisation_id;
        let input = UnitInput {
            reference,
            address,
            commune_insee,
            neighbourhood,
            in_qpv: in_qpv == "on",
            qpv_code,
            typology,
            surface_m2,
            floor,
            has_lift: has_lift == "on",
            accessibility,
            energy_label,
            financing,
            rent_euros,
            charges_euros,
            reservataire,
            construction_period,
            description,
        };
        let state = state()?;
        let context =
            crate::ssr::import::OwnedUnitContext::of(state.db.pool(), organisation).await?;
        let unit = input
            .validate(crate::ssr::reference::national(), &context.get())
            .map_err(AppError::Invalid)?;
        let existing = (unit_id > 0).then_some(unit_id);
        let id = crate::ssr::usecases::units::save_unit(&state, staff, existing, &unit).await?;
        leptos_axum::redirect(&format!("/gestion/logements/{id}?enregistre=1"));
        Ok(())
    })
    .await
}

#[server(endpoint = "gestion/photo/supprimer")]
pub async fn delete_photo(photo_id: i64) -> Result<(), AppError> {
    use crate::ssr::{respond, state, store::photos};
    respond(async move {
        let organisation = crate::ssr::usecases::Staff::current()
            .await?
            .organisation_id;
        let unit = photos::delete(state()?.db.pool(), organisation, photo_id)
            .await?
            .ok_or(AppError::NotFound)?;
        leptos_axum::redirect(&format!("/gestion/logements/{unit}?photo=supprimee#photos"));
        Ok(())
    })
    .await
}

#[component]
pub fn NewUnitPage() -> impl IntoView {
    let save = ServerAction::<SaveUnit>::new();
    let editor = Resource::new(|| (), |_| load_unit_editor(0));
    view! {
        <Title text="Nouveau logement"/>
        {loaded(editor, move |editor| view! { <UnitForm editor save/> })}
    }
}

#[component]
pub fn UnitPage() -> impl IntoView {
    let id = id_param();
    let save = ServerAction::<SaveUnit>::new();
    let create = ServerAction::<CreateOffer>::new();
    let remove = ServerAction::<DeletePhoto>::new();
    let editor = Resource::new(id, load_unit_editor);
    view! {
        <Title text="Logement"/>
        {loaded(editor, move |editor| view! {
            <UnitForm editor=editor.clone() save/>
            <UnitPhotos editor=editor.clone() remove/>
            <UnitOffers editor create/>
        })}
    }
}

#[component]
fn UnitForm(editor: UnitEditor, save: ServerAction<SaveUnit>) -> impl IntoView {
    let errors = field_errors(save.value());
    let saved = success_flag("enregistre").is_some();
    let u = editor.input;
    let heading = if editor.unit_id.is_some() {
        format!("Logement {}", u.reference)
    } else {
        "Nouveau logement".to_string()
    };
    view! {
        <section class="panel">
            <p><a href="/gestion">"← Retour au parc"</a></p>
            <h1>{heading}</h1>
            {saved.then(|| view! { <p class="notice" role="status">"Le logement est enregistré."</p> })}
            <FormAlert value=save.value()/>
            <KeptForm action=save>
                <input type="hidden" name="unit_id" value=editor.unit_id.unwrap_or(0).to_string()/>
                <fieldset>
                    <legend>"Identification et adresse"</legend>
                    <Field label="Référence interne" name="reference" value=u.reference.clone() errors/>
                    <Field label="Adresse" name="address" autocomplete="street-address" value=u.address.clone() hint="Numéro et voie, par exemple « 12 rue de Dole »." errors/>
                    <CommuneField label="Commune" name="commune_insee" value=u.commune_insee.clone() error=field_message(errors, "commune_insee")/>
                    <Field label="Quartier" name="neighbourhood" required=false value=u.neighbourhood.clone() errors/>
                    <CheckField label="Le logement est en quartier prioritaire de la politique de la ville (QPV)" name="in_qpv" checked=u.in_qpv/>
                    {(!editor.qpvs.is_empty()).then(|| view! {
                        <SelectField label="Quartier prioritaire (liste du territoire)" name="qpv_code"
                            options=editor.qpvs.clone() selected=u.qpv_code.clone() required=false
                            placeholder="Aucun quartier de la liste" hint="Choisir un quartier de la liste classe le logement en QPV." errors/>
                    })}
                </fieldset>
                <fieldset>
                    <legend>"Le logement"</legend>
                    <SelectField label="Typologie" name="typology" options=options(Typology::ALL, Typology::code, Typology::label) selected=u.typology.clone() placeholder="Choisissez" errors/>
                    <Field label="Surface habitable (m²)" name="surface_m2" kind="number" value=u.surface_m2.clone() errors/>
                    <Field label="Étage" name="floor" kind="number" required=false value=u.floor.clone() hint="0 pour le rez-de-chaussée." errors/>
                    <CheckField label="Ascenseur" name="has_lift" checked=u.has_lift/>
                    <SelectField label="Accessibilité" name="accessibility" options=options(Accessibility::ALL, Accessibility::code, Accessibility::label) selected=u.accessibility.clone() errors/>
                    <SelectField label="Étiquette énergie (DPE)" name="energy_label" options=options(EnergyLabel::ALL, EnergyLabel::code, EnergyLabel::label) selected=u.energy_label.clone() errors/>
                    <SelectField label="Période de construction" name="construction_period" options=options(ConstructionPeriod::ALL, ConstructionPeriod::code, ConstructionPeriod::label) selected=u.construction_period.clone() placeholder="Choisissez" errors/>
                </fieldset>
                <fieldset>
                    <legend>"Financement et loyer"</legend>
                    <SelectField label="Financement" name="financing" options=options(Financing::ALL, Financing::code, Financing::label) selected=u.financing.clone() placeholder="Choisissez" errors/>
                    <Field label="Loyer mensuel hors charges (€)" name="rent_euros" value=u.rent_euros.clone() hint="Par exemple 412,50." errors/>
                    <Field label="Charges mensuelles (€)" name="charges_euros" required=false value=u.charges_euros.clone() errors/>
                    <SelectField label="Réservataire en stock (avant la gestion en flux)" name="reservataire" options=options(Reservataire::ALL, Reservataire::code, Reservataire::label) selected=u.reservataire.clone() hint="Ce que disait l'ancienne convention en stock ; les offres sont désormais orientées dans le flux de l'année, au moment de leur création." errors/>
                </fieldset>
                <TextAreaField label="Description" name="description" value=u.description.clone() hint="Ce que les ménages doivent savoir : pièces, équipements, environnement. Elle est cherchable dans le catalogue." errors/>
                <button type="submit" class="button">"Enregistrer le logement"</button>
            </KeptForm>
        </section>
    }
}

/// What the photo upload route reported, from the address it redirected to.
fn photo_notice(code: &str) -> (&'static str, bool) {
    match code {
        "ajoutee" => ("La photo est ajoutée.", false),
        "supprimee" => ("La photo est supprimée.", false),
        "type" => (
            "Ce fichier n'est pas une photo JPEG, PNG ou WebP. Choisissez une photo dans un de ces formats.",
            true,
        ),
        "taille" => (
            "La photo dépasse 8 Mo : réduisez-la avant de l'envoyer.",
            true,
        ),
        "illisible" => (
            "La photo est illisible ou trop grande (12 000 pixels de côté au plus). Essayez une autre photo.",
            true,
        ),
        "pixels" => (
            "La photo compte plus de 40 millions de pixels : réduisez sa définition avant de l'envoyer.",
            true,
        ),
        "alt" => (
            "Décrivez la photo en quelques mots (entre 3 et 200 caractères) : ce texte remplace l'image pour les personnes qui ne la voient pas.",
            true,
        ),
        "nombre" => (
            "Ce logement a déjà 12 photos : supprimez-en une avant d'en ajouter.",
            true,
        ),
        _ => ("L'envoi de la photo a échoué : réessayez.", true),
    }
}

#[component]
fn UnitPhotos(editor: UnitEditor, remove: ServerAction<DeletePhoto>) -> impl IntoView {
    let Some(unit_id) = editor.unit_id else {
        return ().into_any();
    };
    let photo_code = success_flag("photo");
    let notice = photo_code
        .map(|code| photo_notice(&code))
        .map(|(message, is_error)| {
            if is_error {
                view! { <div class="form-alert" role="alert"><p><strong>"Erreur : "</strong>{message}</p></div> }.into_any()
            } else {
                view! { <p class="notice" role="status">{message}</p> }.into_any()
            }
        });
    view! {
        <section class="panel" aria-labelledby="photos">
            <h2 id="photos">"Photos"</h2>
            {notice}
            <FormAlert value=remove.value()/>
            {if editor.photos.is_empty() {
                view! { <p>"Aucune photo pour l'instant."</p> }.into_any()
            } else {
                view! {
                    <ul class="photo-list">
                        {editor.photos.into_iter().map(|photo| view! {
                            <li>
                                <img src=format!("/photos/{}/vignette", photo.id) alt=photo.alt.clone()
                                width=photo.width height=photo.height loading="lazy" decoding="async"/>
                                <p>{photo.alt.clone()}</p>
                                <KeptForm action=remove>
                                    <input type="hidden" name="photo_id" value=photo.id.to_string()/>
                                    <button type="submit" class="button button-secondary">"Supprimer cette photo"</button>
                                </KeptForm>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            // A plain multipart form: it works the same with or without JavaScript.
            <form method="post" action=format!("/gestion/logements/{unit_id}/photos") enctype="multipart/form-data">
                <div class="field">
                    <label for="photo">"Photo"<span class="required" aria-hidden="true">" *"</span></label>
                    <p class="hint" id="photo-aide">{format!("JPEG, PNG ou WebP, {} au plus.", crate::domain::limits::megabytes(crate::domain::limits::PHOTO_BYTES as u64))}</p>
                    <crate::components::form::FileInput id="photo" name="photo" accept="image/jpeg,image/png,image/webp" max_bytes=crate::domain::limits::PHOTO_BYTES/>
                </div>
                <div class="field">
                    <label for="alt">"Description de la photo"<span class="required" aria-hidden="true">" *"</span></label>
                    <p class="hint" id="alt-aide">"Ce que montre la photo, par exemple « Séjour lumineux avec accès au balcon »."</p>
                    <input id="alt" name="alt" type="text" required=true maxlength="200" aria-describedby="alt-aide"/>
                </div>
                <button type="submit" class="button">"Ajouter la photo"</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn UnitOffers(editor: UnitEditor, create: ServerAction<CreateOffer>) -> impl IntoView {
    let errors = field_errors(create.value());
    // Coming from an occupation review, the offer is for tenants seeking a transfer.
    let default_category = if leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("mutation")
        .is_some()
    {
        "mutation"
    } else {
        "tout_public"
    };
    let Some(unit_id) = editor.unit_id else {
        return ().into_any();
    };
    view! {
        <section class="panel">
            <h2>"Offres de ce logement"</h2>
            {(!editor.offers.is_empty()).then(|| view! { <StaffOfferTable offers=editor.offers.clone() caption="Offres, de la plus récente à la plus ancienne"/> })}
            {if editor.has_live_offer {
                view! { <p>"Une offre est en cours pour ce logement."</p> }.into_any()
            } else {
                view! {
                    <h3>"Mettre ce logement en location active"</h3>
                    <p class="hint">"L'offre est créée en brouillon : vous la relisez avant de la publier."</p>
                    <FormAlert value=create.value()/>
                    <KeptForm action=create>
                        <input type="hidden" name="unit_id" value=unit_id.to_string()/>
                        <Field label="Ouverture des candidatures" name="opens_on" kind="date" hint="Format JJ/MM/AAAA." errors/>
                        <Field label="Clôture des candidatures (jour inclus)" name="closes_on" kind="date" hint="Entre 3 et 31 jours après l'ouverture ; 9 jours est l'usage." errors/>
                        <OrientationField usages=editor.orientation.clone() year=editor.flux_year errors/>
                        <CategoryChoices checked=vec![default_category.to_string()] errors/>
                        <button type="submit" class="button">"Créer l'offre"</button>
                    </KeptForm>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

/// Where the offer counts in the yearly flow: the réservataires whose conventions cover the unit,
/// each with how far its share is used so that the choice is an informed one, the landlord's own
/// share, or a reason for taking the unit out of the flow.
#[component]
fn OrientationField(
    usages: Vec<crate::domain::flux::Usage>,
    year: i32,
    errors: Signal<Option<crate::error::FieldErrors>>,
) -> impl IntoView {
    use crate::domain::flux::{Orientation, share_words};
    let out_of_flow = Orientation::OUT_OF_FLOW
        .iter()
        .map(|o| (o.code().to_string(), o.label().to_string()));
    if usages.is_empty() {
        let choices: Vec<(String, String)> = std::iter::once((
            Orientation::Bailleur.code().to_string(),
            Orientation::Bailleur.label().to_string(),
        ))
        .chain(out_of_flow)
        .collect();
        return view! {
            <SelectField label="Orientation dans le flux" name="orientation" options=choices
                selected=Orientation::Bailleur.code()
                hint="Aucune convention de réservation ne couvre la commune de ce logement : il compte dans le contingent propre du bailleur, sauf s'il sort du flux."
                errors/>
        }
        .into_any();
    }
    let choices: Vec<(String, String)> = usages
        .iter()
        .map(|u| {
            let served = if u.is_served() {
                " — part atteinte"
            } else {
                ""
            };
            (
                u.choice.clone(),
                format!("{} ({}){served}", u.label, share_words(u.share)),
            )
        })
        .chain(out_of_flow)
        .collect();
    view! {
        <div class="table-wrap">
            <table>
                <caption>{format!("Réservations du flux {year} pour ce logement")}</caption>
                <thead><tr>
                    <th scope="col">"Réservataire"</th>
                    <th scope="col">"Part du flux"</th>
                    <th scope="col">"Orientés et attribués cette année"</th>
                </tr></thead>
                <tbody>
                    {usages.iter().map(|u| view! {
                        <tr>
                            <th scope="row">{u.label.clone()}</th>
                            <td>{share_words(u.share)}</td>
                            <td>{format!("{} ; {} attribué{}", u.progress_words(), u.attributed, if u.attributed > 1 { "s" } else { "" })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <SelectField label="Orientation dans le flux" name="orientation" options=choices
            placeholder="Choisissez un réservataire ou un motif hors flux"
            hint="Le logement compte dans le flux de l'année de son ouverture."
            errors/>
    }
    .into_any()
}

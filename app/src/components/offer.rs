//! How an offer is shown: the card of the catalogue and the full sheet of the offer page (which
//! staff also see as their preview).

use crate::domain::calendar::Date;
use crate::domain::catalogue::OfferSummary;
use crate::domain::eligibility::{Assessment, Verdict};
use crate::model::{OfferDetail, format_euros};
use leptos::prelude::*;

/// "2 décembre 2026" from `AAAA-MM-JJ`.
pub fn french_day(iso: &str) -> String {
    Date::parse(iso)
        .map(Date::french)
        .unwrap_or_else(|| iso.to_string())
}

/// Live applications to an open offer, as a card or the chances say it: one to four households
/// are "moins de 5", as everywhere figures are shown.
pub fn applications_so_far(n: crate::domain::results::Count) -> String {
    use crate::domain::results::Count;
    match n {
        Count::Exactly(n) => format!("{n} candidatures à ce jour"),
        Count::Zero => "Aucune candidature à ce jour".to_string(),
        _ => "Moins de 5 candidatures à ce jour".to_string(),
    }
}

fn floor_text(floor: i64) -> String {
    match floor {
        0 => "Rez-de-chaussée".to_string(),
        1 => "1er étage".to_string(),
        n if n < 0 => "Sous-sol".to_string(),
        n => format!("{n}e étage"),
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "Oui" } else { "Non" }
}

/// `eager`: the card is among the first on the page, so its photo is fetched at once rather than
/// when scrolled to (it may be the largest thing the visitor sees first).
#[component]
pub fn OfferCard(offer: OfferSummary, #[prop(optional)] eager: bool) -> impl IntoView {
    let href = format!("/offres/{}", offer.id);
    let heading_id = format!("offre-{}", offer.id);
    let total = offer.rent_cents + offer.charges_cents;
    let thumbnail = offer.thumbnail.clone().map(|photo| view! {
        <img class="offer-thumb" src=format!("/photos/{}/vignette", photo.id) alt=photo.alt
            width=photo.width height=photo.height loading=if eager { "eager" } else { "lazy" }
            decoding="async"/>
    });
    view! {
        <article class="offer-card" aria-labelledby=heading_id.clone()>
            {thumbnail}
            <h3 id=heading_id.clone()>
                <a href=href>{format!("{} de {} m² à {}", offer.typology, offer.surface_m2, offer.commune)}</a>
            </h3>
            <p class="offer-price">
                <strong>{format_euros(total)}</strong>" par mois charges comprises"
                <span class="hint">" (loyer "{format_euros(offer.rent_cents)}" + charges "{format_euros(offer.charges_cents)}")"</span>
            </p>
            <ul class="tags" aria-label="Caractéristiques">
                <li>{offer.financing.clone()}</li>
                {(!offer.neighbourhood.is_empty()).then(|| view! { <li>{offer.neighbourhood.clone()}</li> })}
                {offer.in_qpv.then(|| view! { <li>"Quartier prioritaire (QPV)"</li> })}
                <li>{floor_text(offer.floor)}{if offer.has_lift { ", avec ascenseur" } else { ", sans ascenseur" }}</li>
                {offer.categories.iter().map(|c| view! { <li>"Public : "{c.clone()}</li> }).collect_view()}
            </ul>
            <p>{offer.excerpt.clone()}</p>
            <p class="hint">{offer.landlord.clone()}" · candidatures jusqu'au "{french_day(&offer.closes_on)}" inclus"</p>
            {offer.for_me.clone().map(|assessment| view! { <EligibilityBadge assessment/> })}
            {offer.applications_so_far.map(|n| view! {
                <p class="hint">{applications_so_far(n)}" · "<a href=format!("/offres/{}#chances-titre", offer.id) aria-label=format!("Vos chances pour l'offre n° {}", offer.id)>"vos chances"</a></p>
            })}
        </article>
    }
}

/// Whether the signed-in applicant may apply: a word and a symbol (never colour alone), and each
/// reason in a list.
#[component]
pub fn EligibilityBadge(
    assessment: Assessment,
    /// Also say what to change in the profile (the offer page does; cards stay short).
    #[prop(optional)]
    with_fixes: bool,
) -> impl IntoView {
    let (class, text) = match assessment.verdict {
        Verdict::Eligible => ("badge badge-ok", "✓ Vous pouvez postuler"),
        Verdict::ToCheck => ("badge badge-check", "? Éligibilité à vérifier"),
        Verdict::Ineligible => ("badge badge-no", "✗ Vous ne pouvez pas postuler"),
    };
    view! {
        <div class="eligibility">
            <p class=class>{text}</p>
            {(!assessment.reasons.is_empty()).then(|| view! {
                <ul class="reasons">
                    {assessment.reasons.into_iter().map(|r| view! {
                        <li data-code=r.code.clone()>
                            {if r.blocking { "Bloquant : " } else { "À vérifier : " }}{r.message.clone()}
                            {with_fixes.then_some(r.fix.clone()).flatten().map(|fix| view! {
                                " "<a href="/espace/profil">{fix}</a>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}

/// Every field a household needs to decide, as a definition list.
#[component]
pub fn OfferSheet(offer: OfferDetail) -> impl IntoView {
    let total = offer.rent_cents + offer.charges_cents;
    let categories = offer
        .categories
        .iter()
        .map(|(_, label)| label.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let paragraphs: Vec<String> = offer
        .description
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let photos = offer.photos.clone();
    view! {
        {(!photos.is_empty()).then(|| view! {
            <ul class="gallery" aria-label="Photos du logement">
                {photos.into_iter().map(|photo| view! {
                    <li>
                        <a href=format!("/photos/{}", photo.id)>
                            <img src=format!("/photos/{}/vignette", photo.id) alt=photo.alt.clone()
                                width=photo.width height=photo.height loading="lazy" decoding="async"/>
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        })}
        <p class="offer-window">
            "Candidatures du "{french_day(&offer.opens_on)}" au "
            <strong>{french_day(&offer.closes_on)}" inclus"</strong>"."
        </p>
        <div class="offer-description">
            {paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
        </div>
        <h2>"Le logement"</h2>
        <dl class="facts">
            <dt>"Typologie"</dt><dd>{offer.typology.clone()}</dd>
            <dt>"Surface habitable"</dt><dd>{offer.surface_m2}" m²"</dd>
            <dt>"Étage"</dt><dd>{floor_text(offer.floor)}</dd>
            <dt>"Ascenseur"</dt><dd>{yes_no(offer.has_lift)}</dd>
            <dt>"Accessibilité"</dt><dd>{offer.accessibility_label.clone()}</dd>
            <dt>"Étiquette énergie (DPE)"</dt><dd>{offer.energy_label.clone()}</dd>
            <dt>"Construction"</dt><dd>{offer.construction_period.clone()}</dd>
        </dl>
        <h2>"Loyer"</h2>
        <dl class="facts">
            <dt>"Loyer hors charges"</dt><dd>{format_euros(offer.rent_cents)}" par mois"</dd>
            <dt>"Charges (provision)"</dt><dd>{format_euros(offer.charges_cents)}" par mois"</dd>
            <dt>"Total charges comprises"</dt><dd><strong>{format_euros(total)}" par mois"</strong></dd>
            <dt>"Financement"</dt><dd>{offer.financing_label.clone()}</dd>
        </dl>
        <h2>"Adresse"</h2>
        <dl class="facts">
            <dt>"Adresse"</dt><dd>{offer.address.clone()}", "{offer.postcode.clone()}" "{offer.commune.clone()}</dd>
            {(!offer.neighbourhood.is_empty()).then(|| view! { <dt>"Quartier"</dt><dd>{offer.neighbourhood.clone()}</dd> })}
            <dt>"Quartier prioritaire (QPV)"</dt><dd>{yes_no(offer.in_qpv)}</dd>
            <dt>"Intercommunalité"</dt><dd>{offer.epci.clone()}</dd>
        </dl>
        <h2>"Attribution"</h2>
        <dl class="facts">
            <dt>"Bailleur"</dt><dd>{offer.landlord.clone()}</dd>
            <dt>"Réservataire"</dt><dd>{offer.reservataire_label.clone()}</dd>
            <dt>"Publics visés"</dt><dd>{categories}</dd>
        </dl>
        <p class="hint">
            "Les candidatures sont classées selon la grille de cotation du territoire après la clôture : "
            "candidater tôt ne donne pas d'avantage. La commission d'attribution (CALEOL) décide."
        </p>
    }
}

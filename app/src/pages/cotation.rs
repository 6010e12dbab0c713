//! Cotation: the public page of every grid (the law requires them published), the territory
//! admin's editor, and the applicant's own score with what R441-2-17 says they must be told.

use crate::components::form::{FormAlert, SelectField, field_errors, options};
use crate::components::form::{KeptForm, kept_value};
use crate::components::notices::success_flag;
use crate::components::outcome::loaded;
use crate::components::score::ScoreTable;
use crate::domain::cotation::{Audience, Condition, Measure};
use crate::error::AppError;
use crate::model::{MyCotation, PublishedGrid, TerritoryGrids};
use leptos::prelude::*;
use leptos_meta::Title;

/// Where a grid version stands today.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, PartialEq, Eq)]
enum GridState {
    InForce,
    Upcoming,
    Replaced,
}

#[cfg(feature = "ssr")]
impl GridState {
    fn of(
        version: &crate::domain::cotation::GridVersion,
        current: &[crate::domain::cotation::GridVersion],
        today: crate::domain::calendar::Date,
    ) -> GridState {
        if current.iter().any(|c| c.id == version.id) {
            GridState::InForce
        } else if version.effective_from > today {
            GridState::Upcoming
        } else {
            GridState::Replaced
        }
    }

    fn label(self) -> &'static str {
        match self {
            GridState::InForce => "En vigueur",
            GridState::Upcoming => "À venir",
            GridState::Replaced => "Remplacée",
        }
    }
}

#[cfg(feature = "ssr")]
fn published(version: &crate::domain::cotation::GridVersion, state: GridState) -> PublishedGrid {
    use crate::model::GridCriterionRow;
    PublishedGrid {
        id: version.id,
        epci_name: crate::ssr::reference::epci_name(&version.epci_siren),
        audience_label: version.audience.label().to_string(),
        version: version.version,
        effective_from: version.effective_from.french(),
        state: state.label().to_string(),
        criteria: version
            .grid
            .criteria
            .iter()
            .map(|c| GridCriterionRow {
                label: c.label.clone(),
                rule: c.describe(),
                points: c.points_label(),
                group: c.group.clone(),
            })
            .collect(),
        progress: None,
    }
}

#[server(endpoint = "cotation")]
pub async fn public_grids() -> Result<Vec<PublishedGrid>, AppError> {
    use crate::ssr::store::cotation;
    use crate::ssr::{respond, state, subject::today};
    respond(async move {
        let pool = state()?.db.pool().clone();
        let all = cotation::versions(&pool, None).await?;
        let today = today();
        let current = cotation::in_force(&all, today);
        // Replaced versions stay stored (rankings replay with them) and listed for the
        // territory admin; the public page shows what applies now and what is coming.
        Ok(all
            .iter()
            .map(|v| (v, GridState::of(v, &current, today)))
            .filter(|(_, state)| *state != GridState::Replaced)
            .map(|(v, state)| published(v, state))
            .collect())
    })
    .await
}

#[cfg(feature = "ssr")]
use crate::ssr::subject::territory_admin;

#[server(endpoint = "territoire")]
pub async fn load_territory_grids() -> Result<TerritoryGrids, AppError> {
    use crate::ssr::store::cotation;
    use crate::ssr::{respond, state, subject::today};
    respond(async move {
        let (_, epci) = territory_admin().await?;
        let pool = state()?.db.pool().clone();
        let all = cotation::versions(&pool, Some(&epci)).await?;
        let today = today();
        let current = cotation::in_force(&all, today);
        let mut grids = Vec::with_capacity(all.len());
        for v in &all {
            let state = GridState::of(v, &current, today);
            let mut grid = published(v, state);
            if state == GridState::InForce {
                grid.progress = Some(cotation::progress(&pool, v).await?);
            }
            grids.push(grid);
        }
        Ok(TerritoryGrids {
            epci_name: crate::ssr::reference::epci_name(&epci),
            current_text: current
                .first()
                .map(|g| g.grid.to_text())
                .unwrap_or_default(),
            today: today.iso(),
            grids,
        })
    })
    .await
}

#[server(endpoint = "territoire/grille")]
pub async fn publish_grid(
    audience: String,
    effective_from: String,
    criteria: String,
) -> Result<(), AppError> {
    use crate::domain::cotation::GridInput;
    use crate::ssr::{respond, state, subject::today, usecases};
    respond(async move {
        let (user, epci) = territory_admin().await?;
        let valid = GridInput {
            audience,
            effective_from,
            criteria,
        }
        .validate(today())
        .map_err(AppError::Invalid)?;
        let version = usecases::cotation::publish_grid(&state()?, &user, &epci, &valid).await?;
        leptos_axum::redirect(&format!("/territoire?publiee={version}"));
        Ok(())
    })
    .await
}

/// Whether the request is in the first quartile of the territory this year, as the applicant
/// reads it.
#[cfg(feature = "ssr")]
fn first_quartile_words(
    members: &[crate::domain::household::Person],
    profile: &crate::domain::profile::Profile,
    year: i32,
    threshold: Option<u32>,
) -> String {
    use crate::domain::format::group_thousands;
    let Some(threshold) = threshold else {
        return format!(
            "Premier quartile : le seuil {year} de ce territoire n'est pas encore indiqué par son administrateur."
        );
    };
    let seuil = format!(
        "le seuil {year} ({} € par an et par unité de consommation)",
        group_thousands(u64::from(threshold))
    );
    match crate::domain::quartile::is_first_quartile(
        members,
        profile.monthly_resources_cents,
        threshold,
    ) {
        Some(true) => format!(
            "Premier quartile : vos ressources sont sous {seuil}. Votre demande en relève : la loi réserve au premier quartile un quart des attributions hors quartier prioritaire."
        ),
        Some(false) => format!(
            "Premier quartile : vos ressources sont au-dessus de {seuil} ; votre demande n'en relève pas."
        ),
        None => format!(
            "Premier quartile : indiquez votre foyer et vos ressources mensuelles pour savoir si votre demande relève du premier quartile ({seuil})."
        ),
    }
}

#[server(endpoint = "espace/cotation")]
pub async fn load_my_cotation() -> Result<MyCotation, AppError> {
    use crate::domain::cotation::{Facts, refusal_effect, score};
    use crate::domain::territory::Places;
    use crate::model::TerritoryScore;
    use crate::ssr::store::cotation;
    use crate::ssr::subject as context;
    use crate::ssr::{respond, state};
    respond(async move {
        let user = context::applicant().await?;
        let profile = context::profile_of(user.id).await?;
        let today = context::today();
        let pool = state()?.db.pool().clone();
        let current = cotation::current(&pool, today).await?;
        // The territories the applicant wishes to live in; all of them when none is chosen.
        let national = crate::ssr::reference::national();
        let mut epcis: Vec<&str> = profile
            .wished_communes
            .iter()
            .filter_map(|insee| national.commune(insee)?.epci_siren.as_deref())
            .collect();
        if epcis.is_empty() {
            epcis = current.iter().map(|g| g.epci_siren.as_str()).collect();
        }
        epcis.sort_unstable();
        epcis.dedup();
        let facts = Facts::of(&profile, today);
        let members = profile.applicant(today).members;
        let year_ago = today.add_days(-365);
        let mut territories = Vec::new();
        for siren in epcis {
            let Some(grid) = cotation::grid_for(&current, siren, Audience::of(&profile)) else {
                continue;
            };
            let mine = score(&facts, &grid.grid);
            let mut comparables = Vec::new();
            for typology in &profile.wished_typologies {
                let waits = cotation::observed_waits(&pool, siren, *typology, year_ago).await?;
                let mut comparable =
                    cotation::comparable(&pool, grid.id, *typology, mine.total).await?;
                comparable.wait =
                    (!waits.is_empty()).then(|| (waits.len(), waits[waits.len() / 2]));
                comparables.push(comparable);
            }
            let threshold =
                crate::ssr::store::territories::threshold(&pool, siren, today.year).await?;
            territories.push(TerritoryScore {
                first_quartile: first_quartile_words(&members, &profile, today.year, threshold),
                epci_name: crate::ssr::reference::epci_name(siren),
                grid_label: format!(
                    "{} — version {} du {}",
                    grid.audience.label(),
                    grid.version,
                    grid.effective_from.french()
                ),
                refusal_effect: refusal_effect(&facts, &grid.grid),
                score: mine,
                comparables,
            });
        }
        Ok(MyCotation {
            territories,
            priority: profile.dalo || profile.situations.iter().any(|s| s.is_priority()),
            has_filing_date: profile.first_filing_date.is_some(),
        })
    })
    .await
}

#[component]
fn GridTable(grid: PublishedGrid) -> impl IntoView {
    let caption = format!(
        "{} — {}, version {} ({} à partir du {})",
        grid.epci_name,
        grid.audience_label,
        grid.version,
        grid.state.to_lowercase(),
        grid.effective_from
    );
    view! {
        <div class="table-wrap">
            <table>
                <caption>{caption}</caption>
                <thead><tr>
                    <th scope="col">"Critère"</th><th scope="col">"Condition"</th>
                    <th scope="col">"Points"</th><th scope="col">"Famille non cumulable"</th>
                </tr></thead>
                <tbody>
                    {grid.criteria.into_iter().map(|c| view! {
                        <tr>
                            <th scope="row">{c.label}</th>
                            <td>{c.rule}</td>
                            <td>{c.points}</td>
                            <td>{c.group.unwrap_or_else(|| "—".into())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn PublicGridsPage() -> impl IntoView {
    let grids = Resource::new(|| (), |_| public_grids());
    view! {
        <Title text="Grilles de cotation"/>
        <section class="panel">
            <h1>"Grilles de cotation des demandes"</h1>
            <p>"Chaque territoire note les demandes de logement social selon une grille publique (article L441-2-8 du code de la construction et de l'habitation). La note aide à classer les candidats ; la commission d'attribution reste souveraine. Les critères d'une même famille ne se cumulent pas : seul le plus élevé compte."</p>
            {loaded(grids, |grids| {
                if grids.is_empty() {
                    view! { <p>"Aucune grille n'est encore publiée."</p> }.into_any()
                } else {
                    grids.into_iter().map(|g| view! { <GridTable grid=g/> }).collect_view().into_any()
                }
            })}
        </section>
    }
}

#[component]
pub fn TerritoryPage() -> impl IntoView {
    let publish = ServerAction::<PublishGrid>::new();
    let grids = Resource::new(|| (), |_| load_territory_grids());
    let published = success_flag("publiee");
    view! {
        <Title text="Grilles de cotation du territoire"/>
        {published.map(|v| view! {
            <p class="notice" role="status">{format!("La version {v} est publiée. Les notes des demandeurs sont recalculées en arrière-plan : l'avancement s'affiche ci-dessous.")}</p>
        })}
        {loaded(grids, move |data| view! { <TerritoryEditor data publish/> })}
        <crate::pages::territory::TerritoryListsPanel/>
    }
}

#[component]
fn TerritoryEditor(data: TerritoryGrids, publish: ServerAction<PublishGrid>) -> impl IntoView {
    let errors = field_errors(publish.value());
    let criteria_errors = move || {
        errors
            .get()
            .map(|e| {
                e.0.iter()
                    .filter(|(f, _)| f == "criteria")
                    .map(|(_, m)| m.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let has_criteria_errors = move || !criteria_errors().is_empty();
    let conditions = Condition::all()
        .into_iter()
        .map(|c| format!("{} : {}", c.code(), c.label()))
        .collect::<Vec<_>>();
    let measures = Measure::ALL
        .iter()
        .map(|m| format!("{} : {}", m.code(), m.label()))
        .collect::<Vec<_>>();
    view! {
        <section class="panel">
            <h1>{format!("Grilles de cotation — {}", data.epci_name)}</h1>
            <p>"Chaque version publiée est définitive et visible de tous sur la "<a href="/cotation">"page publique des grilles"</a>". Pour changer la grille, publiez une nouvelle version avec sa date d'effet ; les classements déjà établis gardent la version qui s'appliquait."</p>
            {if data.grids.is_empty() {
                view! { <p>"Aucune grille publiée pour ce territoire : les offres y sont classées à l'ancienneté de la demande."</p> }.into_any()
            } else {
                data.grids.into_iter().map(|g| {
                    let progress = g.progress.map(|(done, total)| {
                        let percent = if total == 0 { 100 } else { done * 100 / total };
                        view! {
                            <p>
                                <label for=format!("avancement-{}", g.id)>{format!("Notes calculées : {done} sur {total} demandes ")}</label>
                                <progress id=format!("avancement-{}", g.id) max="100" value=percent.to_string()>{format!("{percent} %")}</progress>
                            </p>
                        }
                    });
                    view! { <GridTable grid=g/>{progress} }
                }).collect_view().into_any()
            }}
        </section>
        <section class="panel">
            <h2>"Publier une nouvelle version"</h2>
            <FormAlert value=publish.value()/>
            <KeptForm action=publish>
                <SelectField label="Demandes notées" name="audience"
                    options=options(Audience::ALL, Audience::code, Audience::label)
                    selected="all" errors
                    hint="Une grille propre aux mutations, ou aux premières demandes, remplace pour elles la grille « toutes les demandes »."/>
                <div class="field" class:field-invalid=move || errors.get().and_then(|e| e.get("effective_from").map(|_| ())).is_some()>
                    <label for="effective_from">"Date d'effet"<span class="required" aria-hidden="true">" *"</span></label>
                    <input id="effective_from" name="effective_from" type="date" required value=kept_value("effective_from", data.today.clone()) min=data.today.clone()
                        aria-describedby=move || errors.get().and_then(|e| e.get("effective_from").map(|_| "effective_from-erreur"))/>
                    {move || errors.get().and_then(|e| e.get("effective_from").map(str::to_string)).map(|m| view! { <p class="field-error" id="effective_from-erreur">"Erreur : "{m}</p> })}
                </div>
                <div class="field" class:field-invalid=has_criteria_errors>
                    <label for="criteria">"Critères, un par ligne"<span class="required" aria-hidden="true">" *"</span></label>
                    <p class="hint" id="criteria-aide">"Forme : libellé ; critère ; points ; options. Critères : « ancienneté » (points « 1 par mois », options « plafond 120 », « bonus 20 après 36 mois »), « situation code », « mesure > seuil », « refus » (points « -10 par refus »). Option « groupe nom » : dans un même groupe, seul le critère le plus élevé compte. Les lignes commençant par # sont des commentaires."</p>
                    <textarea id="criteria" name="criteria" rows="12" class="code" required
                        aria-invalid=move || has_criteria_errors().then_some("true")
                        aria-describedby=move || if has_criteria_errors() { "criteria-aide criteria-erreur" } else { "criteria-aide" }>{crate::components::form::textarea_text(kept_value("criteria", data.current_text.clone()))}</textarea>
                    {move || has_criteria_errors().then(|| view! {
                        <div class="field-error" id="criteria-erreur">
                            <p>"Erreur : la grille n'est pas publiée, corrigez ces lignes :"</p>
                            <ul>{criteria_errors().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                        </div>
                    })}
                </div>
                <details>
                    <summary>"Codes des situations et des mesures"</summary>
                    <ul class="codes">{conditions.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                    <ul class="codes">{measures.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                </details>
                <button type="submit" class="button">"Publier cette version"</button>
            </KeptForm>
        </section>
    }
}

#[component]
pub fn MyCotationPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_my_cotation());
    view! {
        <Title text="Ma cotation"/>
        {loaded(data, |data| view! { <MyCotationView data/> })}
    }
}

#[component]
fn MyCotationView(data: MyCotation) -> impl IntoView {
    view! {
        <section class="panel">
            <h1>"Ma cotation"</h1>
            <p>"Votre demande reçoit une note selon la grille publique du territoire ("<a href="/cotation">"voir les grilles"</a>"). Elle sert à classer les candidats d'une offre à sa clôture ; la commission d'attribution reste souveraine. Les points dépendent de votre profil : "<a href="/espace/profil">"tenez-le à jour"</a>". Ils restent provisoires jusqu'à la vérification des justificatifs."</p>
            <p>{if data.priority {
                "Votre demande relève d'un public prioritaire (article L441-1), sous réserve de vérification lors de l'instruction."
            } else {
                "Votre demande ne relève pas, d'après votre profil, d'un public prioritaire de l'article L441-1."
            }}</p>
            {(!data.has_filing_date).then(|| view! {
                <p class="form-alert">"Indiquez la date de votre première demande dans votre profil : l'ancienneté compte dans la note."</p>
            })}
            {data.territories.is_empty().then(|| view! {
                <p>"Aucune grille de cotation n'est en vigueur dans les territoires que vous souhaitez : les offres y sont classées à l'ancienneté de la demande."</p>
            })}
        </section>
        {data.territories.into_iter().map(|t| {
            let refusal = match t.refusal_effect {
                Some(effect) => format!("Selon cette grille, refuser un logement adapté à votre demande changerait votre note de {effect} points."),
                None => "Cette grille ne retire pas de points en cas de refus d'un logement adapté.".to_string(),
            };
            view! {
                <section class="panel">
                    <h2>{t.epci_name.clone()}</h2>
                    <p class="score"><strong>{format!("Votre note : {} points", t.score.total)}</strong></p>
                    <p class="hint">{format!("Grille appliquée : {}", t.grid_label)}</p>
                    <ScoreTable score=t.score.clone()/>
                    <p>{refusal}</p>
                    <p>{t.first_quartile.clone()}</p>
                    <h3>"Demandes comparables"</h3>
                    {if t.comparables.is_empty() {
                        view! { <p>"Choisissez des typologies souhaitées dans votre profil pour vous comparer aux demandes semblables."</p> }.into_any()
                    } else {
                        view! {
                            <ul>
                                {t.comparables.into_iter().map(|c| {
                                    let distribution = match c.quartiles {
                                        Some((q1, q2, q3)) => format!(
                                            "{} : {} demandes. Un quart a moins de {q1} points, la moitié moins de {q2}, les trois quarts moins de {q3}. {} ont une note inférieure à la vôtre.",
                                            c.typology, c.count, c.below
                                        ),
                                        None => format!("{} : pas encore de demande comparable notée.", c.typology),
                                    };
                                    let wait = match c.wait {
                                        Some((n, months)) => format!("Attente observée sur les 12 derniers mois : {months} mois (médiane de {n} attributions)."),
                                        None => "Attente observée : aucune attribution de ce type sur les 12 derniers mois.".to_string(),
                                    };
                                    view! { <li>{distribution}" "{wait}</li> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            }
        }).collect_view()}
    }
}

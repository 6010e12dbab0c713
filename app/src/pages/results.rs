//! Nobody left wondering: an applicant's chances before applying, each ended offer's public
//! result, and "Pourquoi ce résultat ?" for each of the applicant's own applications.

use crate::components::offer::{applications_so_far, french_day};
use crate::components::outcome::loaded;
use crate::components::route::id_param;
use crate::components::score::ScoreTable;
use crate::domain::ranking::RankingMode;
use crate::domain::results::{Comparable, Count, band_words, duration_words, years_words};
use crate::error::AppError;
use crate::model::results::{Chance, Explanation, Housed, OfferResult};
use leptos::prelude::*;
use leptos_meta::Title;

/// An ended offer's result, for anyone (the open API answers the same).
#[server(endpoint = "offres/resultat")]
pub async fn load_offer_result(id: i64) -> Result<OfferResult, AppError> {
    use crate::ssr::{respond, state, usecases};
    respond(async move {
        usecases::results::offer_result(state()?.db.pool(), id)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

/// The explanation of one of the signed-in applicant's applications.
#[server(endpoint = "espace/candidature/resultat")]
pub async fn load_explanation(application_id: i64) -> Result<Explanation, AppError> {
    use crate::ssr::subject as context;
    use crate::ssr::{respond, state, usecases};
    respond(async move {
        let user = context::applicant().await?;
        usecases::results::explanation(state()?.db.pool(), user.id, application_id)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

fn ordinal(n: i64) -> String {
    if n == 1 {
        "1er".into()
    } else {
        format!("{n}e")
    }
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "Vos chances aujourd'hui", on the offer page of a signed-in applicant.
#[component]
pub fn ChancePanel(chance: Chance) -> impl IntoView {
    let standing = match (chance.mode, chance.position) {
        (RankingMode::Lottery, _) => view! {
            <p>"Cette offre est attribuée par tirage au sort entre les ménages qui remplissent ses conditions : aucun rang n'existe avant le tirage."</p>
        }
        .into_any(),
        (_, None) => view! {
            <p>"Votre foyer ne serait pas classé : il ne remplit pas aujourd'hui les conditions de l'offre (voir ci-dessus)."</p>
        }
        .into_any(),
        (mode, Some(position)) => {
            let outlook = chance.outlook.unwrap_or(crate::domain::results::Outlook::Low);
            let rank = format!(
                "{} au {} rang sur {}",
                if chance.applied { "Si l'offre fermait aujourd'hui, votre candidature serait" } else { "Si vous postuliez maintenant et que l'offre fermait aujourd'hui, vous seriez" },
                ordinal(position),
                match chance.ranked {
                    Count::Exactly(n) => format!("{n} ménages classés"),
                    _ => "moins de 5 ménages classés".to_string(),
                },
            );
            let score = chance
                .score_points
                .filter(|_| mode == RankingMode::Cotation)
                .map(|points| format!(", avec votre note de {points} points"));
            view! {
                <p>{rank}{score}"."</p>
                <p class="gauge">
                    <meter min="0" max=crate::domain::results::Outlook::MAX value=outlook.value()
                        aria-label=format!("Jauge : {}", outlook.label())></meter>
                    // The meter's name says it already to screen readers.
                    " "<strong aria-hidden="true">{outlook.label()}</strong>
                </p>
                <p>{outlook.explain()}</p>
            }
            .into_any()
        }
    };
    view! {
        <section class="chance" aria-labelledby="chances-titre">
            <h3 id="chances-titre">"Vos chances aujourd'hui"</h3>
            <p>{applications_so_far(chance.applications)}"."</p>
            {standing}
            <ComparableOffers comparable=chance.comparable/>
            <p class="hint">"Ce rang est provisoire : il change jusqu'à la clôture, quand d'autres ménages postulent ou que les situations évoluent. La commission d'attribution décide ensuite au vu des dossiers : être bien classé ne vaut pas attribution."</p>
        </section>
    }
}

#[component]
fn ComparableOffers(comparable: Comparable) -> impl IntoView {
    let offers = comparable.offers.label();
    let figures = match (
        comparable.median_applications,
        comparable.median_score,
        comparable.median_seniority_months,
    ) {
        (Some(applications), score, seniority) => {
            let score = score.map(|s| {
                format!(" ; la moitié des ménages logés avaient une note d'au moins {s} points")
            });
            let seniority = seniority.map(|m| {
                format!(
                    " ; la moitié attendaient depuis au moins {}",
                    duration_words(m)
                )
            });
            format!(
                "Ces offres ont reçu en général {}{}{}.",
                plural(applications, "candidature", "candidatures"),
                score.unwrap_or_default(),
                seniority.unwrap_or_default()
            )
        }
        _ => "Trop peu d'offres comparables pour en tirer des repères : il en faut au moins 5."
            .to_string(),
    };
    view! {
        <p>{format!("Offres comparables attribuées ces douze derniers mois (même territoire, même typologie, même financement) : {offers}.")}</p>
        <p>{figures}</p>
    }
}

fn housed_facts(housed: &Housed) -> Vec<(&'static str, String)> {
    let mut facts = Vec::new();
    if let Some(from) = housed.score_band {
        facts.push(("Note du ménage logé", band_words(from)));
    }
    if let Some(years) = housed.seniority_years {
        facts.push(("Ancienneté de sa demande", years_words(years * 12)));
    }
    facts
}

#[component]
pub fn OfferResultPage() -> impl IntoView {
    let id = id_param();
    let result = Resource::new(id, load_offer_result);
    view! {
        <Title text="Résultat d'une offre"/>
        {loaded(result, |r| view! { <OfferResultView result=r/> })}
    }
}

#[component]
fn OfferResultView(result: OfferResult) -> impl IntoView {
    let title = format!("Résultat de l'offre n° {}", result.offer_id);
    let housed = result.housed.as_ref().map(housed_facts).unwrap_or_default();
    view! {
        <Title text=title.clone()/>
        <article class="panel narrow">
            <p><a href="/resultats">"← Tous les résultats"</a></p>
            <h1>{title}</h1>
            <p>{result.title.clone()}" — "{result.landlord.clone()}</p>
            <dl class="facts">
                <dt>"Issue"</dt>
                <dd>{if result.attributed { "Logement attribué, bail signé" } else { "Offre terminée sans attribution" }}</dd>
                {result.published_on.clone().map(|on| view! { <dt>"Publiée le"</dt><dd>{french_day(&on)}</dd> })}
                <dt>"Mode de classement"</dt><dd>{result.mode_label.clone()}</dd>
                <dt>"Candidatures reçues"</dt><dd>{result.applications.label()}</dd>
                <dt>"Candidatures recevables"</dt><dd>{result.eligible.label()}</dd>
                {housed.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
                <dt>{if result.attributed { "Refus avant acceptation" } else { "Propositions refusées ou restées sans réponse" }}</dt><dd>{result.refusals.label()}</dd>
                {result.days_to_lease.map(|days| view! { <dt>"De la publication au bail"</dt><dd>{plural(days, "jour", "jours")}</dd> })}
            </dl>
            <p class="hint">"Rien ici ne permet d'identifier un ménage : ni nom, ni numéro de demande, ni commune d'origine. La note du ménage logé est donnée à dix points près et l'ancienneté de sa demande en années ; un effectif de 1 à 4 ménages est indiqué « moins de 5 »."</p>
        </article>
    }
}

#[component]
pub fn ExplanationPage() -> impl IntoView {
    let id = id_param();
    let explanation = Resource::new(id, load_explanation);
    view! {
        <Title text="Pourquoi ce résultat ?"/>
        {loaded(explanation, |e| view! { <ExplanationView e/> })}
    }
}

#[component]
fn ExplanationView(e: Explanation) -> impl IntoView {
    let ranking = match &e.position {
        Some((position, total)) => format!(
            "Vous étiez au {} rang sur {}.",
            ordinal(*position),
            plural(*total, "candidat recevable", "candidats recevables")
        ),
        None if e.not_ranked_because.is_empty() => {
            "Votre candidature n'a pas été classée.".to_string()
        }
        None => "Votre candidature n'a pas été classée. À la clôture :".to_string(),
    };
    let reasons = e.not_ranked_because.clone();
    let housed = e
        .housed
        .as_ref()
        .filter(|_| !e.is_housed)
        .map(housed_facts)
        .unwrap_or_default();
    let differences = e.differences.clone();
    view! {
        <article class="panel">
            <p><a href="/espace/candidatures">"← Mes candidatures"</a></p>
            <h1>"Pourquoi ce résultat ?"</h1>
            <p><a href=format!("/offres/{}/resultat", e.offer_id)>{format!("Offre n° {} — {}", e.offer_id, e.title)}</a>" — "{e.landlord.clone()}</p>
            <p class="notice">{e.outcome.clone()}</p>

            <h2>"Votre classement"</h2>
            <p>{ranking}</p>
            {(!reasons.is_empty()).then(|| view! {
                <ul>{reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
            })}
            <p>{format!("Mode de classement : {}. {}", e.mode_label, e.mode_explain)}</p>
            {e.score.clone().map(|score| view! { <ScoreTable score/> })}

            {(!housed.is_empty()).then(|| view! {
                <h2>"Le ménage à qui le logement a été attribué"</h2>
                <dl class="facts">
                    {housed.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
                </dl>
                <p class="hint">"Son identité n'est jamais communiquée, ni le détail de sa situation : sa note est donnée à dix points près."</p>
            })}
            {(!differences.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table>
                        <caption>"Ce qui a fait la différence entre vos deux notes"</caption>
                        <thead><tr><th scope="col">"Critère"</th><th scope="col">"Vos points"</th><th scope="col">"Le ménage logé"</th></tr></thead>
                        <tbody>
                            {differences.into_iter().map(|d| view! {
                                <tr><th scope="row">{d.label}</th><td>{d.mine}</td><td>{d.theirs}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}

            {e.decision.clone().map(|d| view! {
                <h2>"Décision de la commission"</h2>
                <p><strong>{d.label}</strong>{(!d.motive.is_empty()).then(|| format!(". Motif : {}", d.motive))}{d.condition.map(|c| format!(". Condition : {c}"))}</p>
                <p class="hint">{d.how}</p>
            })}

            <h2>"Les étapes"</h2>
            <ol class="steps">
                {e.steps.iter().map(|s| view! { <li>{s.label.clone()}" : "{french_day(&s.on)}</li> }).collect_view()}
            </ol>

            {(!e.is_housed).then(|| view! {
                <h2>"Contester ce résultat"</h2>
                <p>"Vous pouvez demander au bailleur de réexaminer la décision (recours gracieux) : écrivez-lui en indiquant le numéro de l'offre, ce que vous contestez et pourquoi, avec les pièces utiles."</p>
                {if e.landlord_address.is_empty() {
                    view! { <p>{format!("Adressez votre courrier à {}, service des attributions.", e.landlord)}</p> }.into_any()
                } else {
                    view! { <address class="postal">{e.landlord_address.lines().map(|l| view! { <span>{l.to_string()}</span><br/> }).collect_view()}</address> }.into_any()
                }}
                <p>"Si votre demande de logement social dépasse le délai anormalement long fixé dans votre département sans proposition adaptée, ou si vous êtes dans une situation prioritaire (sans logement, menacé d'expulsion sans relogement, hébergé en structure, logement insalubre ou suroccupé avec un enfant mineur ou une personne handicapée…), vous pouvez saisir la commission de médiation DALO de votre département."</p>
                {e.dalo_situation.then(|| view! { <p class="notice">"D'après votre profil, votre situation figure parmi celles que la commission de médiation DALO examine."</p> })}
            })}
        </article>
    }
}

/// A territory's public figures; `territoire` is its SIREN (the busiest territory when empty).
#[server(endpoint = "resultats")]
pub async fn load_dashboard(
    #[server(default)] territoire: String,
) -> Result<crate::model::results::Dashboard, AppError> {
    use crate::ssr::{respond, state, usecases};
    respond(async move {
        let siren = Some(territoire.trim()).filter(|s| !s.is_empty());
        if siren.is_some_and(|s| s.len() != 9 || !s.bytes().all(|b| b.is_ascii_digit())) {
            return Err(AppError::BadRequest(
                "Le territoire s'indique par le SIREN de son EPCI, 9 chiffres.".into(),
            ));
        }
        let today = crate::domain::calendar::paris_date(crate::ssr::db::now());
        Ok(usecases::results::dashboard(state()?.db.pool(), siren, today).await?)
    })
    .await
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let dashboard = Resource::new(
        move || query.read().get("territoire").unwrap_or_default(),
        load_dashboard,
    );
    view! {
        <Title text="Résultats des attributions"/>
        {loaded(dashboard, |d| view! { <DashboardView d/> })}
    }
}

fn optional(value: Option<i64>, unit: &str) -> String {
    value.map_or_else(|| "non publié".to_string(), |v| format!("{v}{unit}"))
}

#[component]
fn DashboardView(d: crate::model::results::Dashboard) -> impl IntoView {
    use crate::domain::results::{WHOLE_PERIOD, period_words};
    let Some((siren, name)) = d.territory.clone() else {
        return view! {
            <section class="panel narrow">
                <h1>"Résultats des attributions"</h1>
                <p>"Aucune offre n'a été publiée sur ce territoire : il n'y a pas de résultat à montrer."</p>
                {(!d.territories.is_empty()).then(|| view! {
                    <p>"Territoires où des offres ont été publiées :"</p>
                    <ul>{d.territories.iter().map(|(s, n)| view! {
                        <li><a href=format!("/resultats?territoire={s}")>{n.clone()}</a></li>
                    }).collect_view()}</ul>
                })}
            </section>
        }
        .into_any();
    };
    let months: Vec<_> = d
        .figures
        .iter()
        .filter(|f| f.period != WHOLE_PERIOD)
        .cloned()
        .collect();
    let chart = view! {
        <crate::components::chart::BarChart
            bars=months.iter().rev().map(|f| (period_words(&f.period), f.offers_published)).collect()
            described="Offres publiées par mois, du plus ancien au plus récent"
            caption="Nombre d'offres publiées chaque mois (le tableau ci-dessous donne les mêmes chiffres)."/>
    };
    let csv = format!("/resultats.csv?territoire={siren}");
    view! {
        <section class="panel">
            <h1>"Résultats des attributions"</h1>
            <leptos_router::components::Form method="GET" action="/resultats">
                <div class="field">
                    <label for="territoire">"Territoire (EPCI)"</label>
                    <select id="territoire" name="territoire">
                        {d.territories.iter().map(|(s, n)| view! {
                            <option value=s.clone() selected=*s == siren>{n.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">"Afficher"</button>
            </leptos_router::components::Form>
            <p>{format!("{name}, sur les douze derniers mois. ")}<a href=csv download="">"Télécharger ces chiffres (CSV)"</a></p>
            <h2>"Offres publiées par mois"</h2>
            {chart}
            <h2>"Les chiffres mois par mois"</h2>
            <div class="table-wrap">
                <table>
                    <caption>"Chiffres par mois, du plus récent au plus ancien, puis sur les douze mois"</caption>
                    <thead><tr>
                        <th scope="col">"Période"</th>
                        <th scope="col">"Offres publiées"</th>
                        <th scope="col">"Candidatures par offre (médiane)"</th>
                        <th scope="col">"Attributions"</th>
                        <th scope="col">"Publics prioritaires"</th>
                        <th scope="col">"Mutations"</th>
                        <th scope="col">"1er quartile hors QPV"</th>
                        <th scope="col">"Taux de refus"</th>
                        <th scope="col">"Délai médian jusqu'au bail"</th>
                    </tr></thead>
                    <tbody>
                        {months.iter().map(|f| view! { <FiguresRow f=f.clone()/> }).collect_view()}
                    </tbody>
                    <tfoot>
                        {d.figures.iter().filter(|f| f.period == WHOLE_PERIOD).map(|f| view! { <FiguresRow f=f.clone()/> }).collect_view()}
                    </tfoot>
                </table>
            </div>
            <p class="hint">"Un effectif de 1 à 4 ménages est indiqué « moins de 5 » ; une médiane calculée sur moins de 5 ménages ou offres n'est pas publiée, ni une part qui compterait, ou laisserait de côté, 1 à 4 ménages : avec si peu de ménages, on pourrait les reconnaître. Les parts sont celles des attributions (baux signés) du mois. La loi fixe un objectif d'au moins 25 % des attributions hors quartier prioritaire au premier quartile des demandeurs."</p>
            {d.quartile_unknown.then(|| view! { <p class="hint">"Le seuil du premier quartile de ce territoire n'est pas indiqué pour cette année : la part correspondante ne peut pas être calculée."</p> })}
        </section>
        <section class="panel" aria-labelledby="terminees-titre">
            <h2 id="terminees-titre">"Dernières offres terminées"</h2>
            {if d.ended.is_empty() {
                view! { <p>"Aucune offre terminée pour l'instant."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {d.ended.iter().map(|(id, title, attributed)| view! {
                            <li><a href=format!("/offres/{id}/resultat")>{format!("Offre n° {id} — {title}")}</a>
                                {if *attributed { " : attribuée" } else { " : sans attribution" }}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

/// One line of the territory's figures: a month (in words) or the whole period.
#[component]
fn FiguresRow(f: crate::domain::results::Figures) -> impl IntoView {
    view! {
        <tr>
            <th scope="row">{crate::domain::results::period_words(&f.period)}</th>
            <td>{f.offers_published}</td>
            <td>{optional(f.median_applications, "")}</td>
            <td>{f.attributions.label()}</td>
            <td>{optional(f.priority_share, " %")}</td>
            <td>{optional(f.mutation_share, " %")}</td>
            <td>{optional(f.first_quartile_outside_qpv, " %")}</td>
            <td>{optional(f.refusal_rate, " %")}</td>
            <td>{optional(f.median_days_to_let, " j")}</td>
        </tr>
    }
}

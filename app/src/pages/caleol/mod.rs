//! The allocation committee: a member's commission and its sessions. The review of a session
//! (votes and decisions), the minutes, staff's sessions and follow-up, the occupation review and
//! the audit log have modules of their own.

use crate::components::outcome::loaded;
use crate::domain::caleol::SessionStatus;
use crate::error::AppError;
use crate::model::caleol::*;
use leptos::prelude::*;
use leptos_meta::Title;

mod journal;
mod minutes;
mod occupation;
mod session;
mod staff;

pub use journal::*;
pub use minutes::*;
pub use occupation::*;
pub use session::*;
pub use staff::*;

#[cfg(feature = "ssr")]
mod guard {
    use crate::error::AppError;
    use crate::model::Role;
    use crate::ssr::require;
    use crate::ssr::store::caleol::Viewer;

    /// The caller as a session viewer, with their user id: a member through their commission,
    /// staff through their organisation.
    pub async fn viewer() -> Result<(Viewer, i64), AppError> {
        let user = require(&[Role::Member, Role::Staff]).await?;
        let viewer = match user.role {
            Role::Member => Viewer::Member {
                user_id: user.id,
                commission_id: user.commission.ok_or(AppError::Forbidden)?.id,
            },
            _ => Viewer::Staff {
                organisation_id: user.organisation.ok_or(AppError::Forbidden)?.id,
            },
        };
        Ok((viewer, user.id))
    }

    /// Who reads a household's data, for the applicant's log of reads.
    pub fn reader(viewer: Viewer, user_id: i64) -> crate::ssr::store::file_reads::Reader {
        crate::ssr::usecases::privacy::commission_reader(viewer, user_id)
    }

    pub async fn member() -> Result<(Viewer, i64), AppError> {
        let user = require(&[Role::Member]).await?;
        let commission_id = user.commission.ok_or(AppError::Forbidden)?.id;
        Ok((
            Viewer::Member {
                user_id: user.id,
                commission_id,
            },
            user.id,
        ))
    }
}

#[cfg(feature = "ssr")]
use crate::ssr::action_stamp;

#[server(endpoint = "commission/accueil")]
pub async fn load_commission_home() -> Result<CommissionHome, AppError> {
    use crate::ssr::{respond, state, store::caleol};
    respond(async move {
        let (viewer, _) = guard::member().await?;
        let crate::ssr::store::caleol::Viewer::Member { commission_id, .. } = viewer else {
            return Err(AppError::Forbidden);
        };
        caleol::commission_home(state()?.db.pool(), commission_id)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

#[component]
pub fn CommissionHomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| load_commission_home());
    view! {
        <Title text="Ma commission"/>
        {loaded(home, |home| view! { <CommissionHomeView home/> })}
    }
}

#[component]
fn CommissionHomeView(home: CommissionHome) -> impl IntoView {
    view! {
        <section class="panel">
            <h1>{home.commission.clone()}</h1>
            <p>"Commission d'attribution des logements et d'examen de l'occupation des logements de "
                <strong>{home.organisation.clone()}</strong>"."</p>
            <h2>"Membres"</h2>
            <SeatList seats=home.seats.clone() show_presence=false/>
        </section>
        <section class="panel" aria-labelledby="seances-titre">
            <h2 id="seances-titre">"Séances"</h2>
            <SessionList sessions=home.sessions base="/commission/seances"/>
        </section>
    }
}

#[component]
fn SeatList(seats: Vec<Seat>, show_presence: bool) -> impl IntoView {
    view! {
        <ul class="seats">
            {seats.into_iter().map(|s| view! {
                <li>
                    <strong>{s.name}</strong>{s.president.then_some(" (présidence)")}" — "{s.quality}
                    ", "{if s.votes { "voix délibérative" } else { "voix consultative" }}
                    {show_presence.then_some(if s.present { " — a participé" } else { " — n'a pas participé" })}
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn SessionList(sessions: Vec<SessionSummary>, base: &'static str) -> impl IntoView {
    if sessions.is_empty() {
        return view! { <p>"Aucune séance pour le moment."</p> }.into_any();
    }
    view! {
        <ul class="sessions">
            {sessions.into_iter().map(|s| view! {
                <li>
                    <a href=format!("{base}/{}", s.id)>{format!("Séance du {}", s.held_on)}</a>
                    " — "{s.commission}" — "{s.mode.label()}" — "<strong>{s.status.label()}</strong>
                    {format!(" — quorum : {}", s.quorum)}
                    {(!s.items.is_empty()).then(|| view! {
                        <ul>{s.items.into_iter().map(|(id, title)| view! { <li>{format!("Offre n° {id} — {title}")}</li> }).collect_view()}</ul>
                    })}
                    {matches!(s.status, SessionStatus::Closed | SessionStatus::Signed).then(|| view! {
                        " "<a href=format!("/commission/seances/{}/pv", s.id)>"Procès-verbal"</a>
                    })}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

//! The applicant's own space.

use crate::components::outcome::loaded;
use crate::error::AppError;
use crate::model::ApplicantHome;
use leptos::prelude::*;
use leptos_meta::Title;

#[server(endpoint = "espace")]
pub async fn load_applicant_home() -> Result<ApplicantHome, AppError> {
    use crate::model::Role;
    use crate::ssr::{internal, require, respond, state, store::housing};
    respond(async move {
        let user = require(&[Role::Applicant]).await?;
        let state = state()?;
        housing::applicant_home(state.db.pool(), user.id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
    })
    .await
}

#[component]
pub fn ApplicantHomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| load_applicant_home());
    view! {
        <Title text="Mon espace"/>
        {loaded(home, |home| view! { <ApplicantSummary home/> })}
    }
}

#[component]
fn ApplicantSummary(home: ApplicantHome) -> impl IntoView {
    let wishes = if home.commune_wishes.is_empty() {
        "aucune commune indiquée".to_string()
    } else {
        home.commune_wishes.join(", ")
    };
    view! {
        <section class="panel">
            <h1>"Mon espace demandeur"</h1>
            <p>"Bonjour "{home.display_name.clone()}"."</p>
            <dl class="facts">
                <dt>"Adresse e-mail"</dt><dd>{home.email.clone()}</dd>
                <dt>"Numéro unique"</dt>
                <dd>{home.sne_number.clone().unwrap_or_else(|| "non renseigné".into())}</dd>
                <dt>"Personnes déclarées dans le foyer"</dt><dd>{home.household_size}</dd>
                <dt>"Communes souhaitées"</dt><dd>{wishes}</dd>
            </dl>
        </section>
    }
}

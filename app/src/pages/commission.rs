//! The committee member's view of their commission.

use crate::components::outcome::loaded;
use crate::error::AppError;
use crate::model::CommissionView;
use leptos::prelude::*;
use leptos_meta::Title;

#[server(endpoint = "ma-commission")]
pub async fn my_commission() -> Result<CommissionView, AppError> {
    use crate::model::Role;
    use crate::ssr::{internal, require, respond, state, store::organisations};
    respond(async move {
        let user = require(&[Role::Member]).await?;
        let commission = user.commission.ok_or(AppError::Forbidden)?;
        let state = state()?;
        organisations::commission_view(state.db.pool(), commission.id)
            .await
            .map_err(internal)?
            .ok_or(AppError::NotFound)
    })
    .await
}

#[component]
pub fn CommissionHomePage() -> impl IntoView {
    let view_data = Resource::new(|| (), |_| my_commission());
    view! {
        <Title text="Ma commission"/>
        {loaded(view_data, |data| view! {
                        <section class="panel">
                            <h1>{data.commission.name.clone()}</h1>
                            <p>"Commission d'attribution des logements et d'examen de l'occupation des logements de "
                                <strong>{data.organisation.name.clone()}</strong>"."</p>
                            <h2>"Membres"</h2>
                            <ul>
                                {data.members.iter().map(|m| view! { <li>{m.display_name.clone()}</li> }).collect_view()}
                            </ul>
                        </section>
                    })}
    }
}

//! The organisation's audit log, for its admins.

use super::*;

pub const AUDIT_PAGE_ROWS: i64 = 500;

#[server(endpoint = "gestion/journal")]
pub async fn load_audit_log() -> Result<Vec<AuditRow>, AppError> {
    use crate::ssr::{internal, respond, state};
    respond(async move {
        let crate::ssr::usecases::Staff {
            user_id: user,
            organisation_id: organisation,
        } = crate::ssr::usecases::Staff::current().await?;
        let pool = state()?.db.pool().clone();
        if !crate::ssr::store::audit::is_org_admin(&pool, user).await? {
            return Err(AppError::Forbidden);
        }
        crate::ssr::store::audit::organisation_log(&pool, organisation, AUDIT_PAGE_ROWS)
            .await
            .map_err(internal)
    })
    .await
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let log = Resource::new(|| (), |_| load_audit_log());
    view! {
        <Title text="Journal des actions"/>
        {loaded(log, |rows| view! {
            <section class="panel">
                <h1>"Journal des actions"</h1>
                <p>{format!("Les {AUDIT_PAGE_ROWS} dernières actions enregistrées pour votre organisme : classements, écarts, listes, séances, votes et décisions, avec leur auteur, leur date et leur motif. Réservé aux administrateurs de l'organisme.")}</p>
                <div class="table-wrap">
                    <table>
                        <caption>"Actions, des plus récentes aux plus anciennes"</caption>
                        <thead><tr><th scope="col">"Date"</th><th scope="col">"Auteur"</th><th scope="col">"Action"</th><th scope="col">"Objet"</th><th scope="col">"Détail"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr><td>{r.at}</td><td>{r.actor}</td><td>{r.action}</td><td>{r.subject}</td><td>{r.detail}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        })}
    }
}

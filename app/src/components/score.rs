//! A cotation score, line by line, as applicants, staff and commission members read it.

use leptos::prelude::*;

/// A score line by line: criterion, points, how they were reached.
#[component]
pub fn ScoreTable(score: crate::domain::cotation::Score) -> impl IntoView {
    let total = score.total;
    view! {
        <div class="table-wrap">
            <table>
                <caption>"Détail de la note"</caption>
                <thead><tr><th scope="col">"Critère"</th><th scope="col">"Points"</th><th scope="col">"Calcul"</th></tr></thead>
                <tbody>
                    {score.lines.into_iter().map(|l| view! {
                        <tr>
                            <th scope="row">{l.label}</th>
                            <td>{if l.counted { l.points.to_string() } else { format!("{} (non compté)", l.points) }}</td>
                            <td>{l.detail}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot><tr><th scope="row">"Total"</th><td>{total}</td><td></td></tr></tfoot>
            </table>
        </div>
    }
}

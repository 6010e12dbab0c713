//! Horizontal bar charts that read without their bars: each bar has its number written beside
//! it, the whole figure is described in words for screen readers, and the page gives the same
//! figures in a table (RGAA 1.3, 3.2: no information by length or colour alone).

use leptos::prelude::*;

/// `bars` are `(label, value)`; `described` introduces the figures read out in `aria-label`
/// ("Offres publiées par mois"), `caption` says what is drawn and where the table is.
#[component]
pub fn BarChart(
    bars: Vec<(String, i64)>,
    #[prop(into)] described: String,
    #[prop(into)] caption: String,
) -> impl IntoView {
    const BAR_HEIGHT: i64 = 22;
    const LABEL_WIDTH: i64 = 120;
    const WIDTH: i64 = 360;
    let most = bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let height = BAR_HEIGHT * bars.len() as i64;
    let description = bars
        .iter()
        .map(|(label, n)| format!("{label} : {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {} {height}", LABEL_WIDTH + WIDTH + 40) width="100%" role="img"
                aria-label=format!("{described} : {description}.")>
                {bars.into_iter().enumerate().map(|(i, (label, n))| {
                    let y = i as i64 * BAR_HEIGHT;
                    let width = n.max(0) * WIDTH / most;
                    view! {
                        <text x="0" y=y + 15 class="chart-label">{label}</text>
                        <rect x=LABEL_WIDTH y=y + 4 width=width height=BAR_HEIGHT - 8 class="chart-bar"></rect>
                        <text x=LABEL_WIDTH + width + 6 y=y + 15 class="chart-value">{n}</text>
                    }
                }).collect_view()}
            </svg>
            <figcaption>{caption}</figcaption>
        </figure>
    }
}

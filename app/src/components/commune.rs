//! Choosing a commune among France's 35,000: a text field any form can send as it is (the server
//! resolves a name, a postcode or an INSEE code, so it works without JavaScript), which with
//! JavaScript becomes a combobox (WAI-ARIA 1.2 pattern) listing the server's suggestions as one
//! types. The reference stays on the server: the browser only ever receives ten suggestions.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Most suggestions listed under the field.
pub const SUGGESTIONS: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommuneSuggestion {
    pub insee: String,
    /// "Villeurbanne (69100)", which is also what the field is filled with.
    pub label: String,
    /// "Rhône" or "Métropole de Lyon": to tell namesakes apart.
    pub context: String,
}

/// The communes matching what was typed, best first. Public: the catalogue's visitors use it.
#[server(endpoint = "communes/suggestions")]
pub async fn suggest_communes(typed: String) -> Result<Vec<CommuneSuggestion>, AppError> {
    use crate::domain::territory::Places;
    use crate::ssr::reference::national;
    let national = national();
    Ok(national
        .search(&typed, SUGGESTIONS)
        .into_iter()
        .map(|p| CommuneSuggestion {
            insee: p.insee.clone(),
            label: p.label(),
            context: national
                .departement_name(&p.departement)
                .map(str::to_string)
                .or_else(|| {
                    p.epci_siren
                        .as_deref()
                        .and_then(|s| national.epci_name(s))
                        .map(str::to_string)
                })
                .unwrap_or_default(),
        })
        .collect())
}

/// A commune field. `name` is the form field (and the input's id); `value` what it shows first,
/// unless its form was refused (then what was typed); `error` the message to show beside it.
#[component]
pub fn CommuneField(
    label: &'static str,
    name: &'static str,
    #[prop(into)] value: String,
    #[prop(default = "Son nom, son code postal ou son code INSEE.")] hint: &'static str,
    #[prop(default = true)] required: bool,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    // The page around is drawn on the server only: the island receives plain values.
    view! {
        <CommuneCombobox
            label=label.to_string()
            name=name.to_string()
            value=crate::components::form::kept_value(name, value)
            hint=hint.to_string()
            required
            error=error.get_untracked()
        />
    }
}

/// The field itself: the one part of a form that runs in the browser, to list suggestions.
#[island]
fn CommuneCombobox(
    label: String,
    name: String,
    value: String,
    hint: String,
    required: bool,
    error: Option<String>,
) -> impl IntoView {
    // The field's text belongs to the browser: what was typed before the island woke up stays,
    // and only choosing a suggestion writes into it.
    let input: NodeRef<leptos::html::Input> = NodeRef::new();
    let suggestions: RwSignal<Vec<CommuneSuggestion>> = RwSignal::new(Vec::new());
    let open = RwSignal::new(false);
    // A late answer must not reopen the list over the next fields once the field is left.
    let focused = RwSignal::new(false);
    let active: RwSignal<Option<usize>> = RwSignal::new(None);
    // Answers may come back out of order: only the latest request's is shown.
    let asked = StoredValue::new(0u64);
    let list_id = format!("{name}-liste");
    let label_id = format!("{name}-libelle");
    let hint_id = format!("{name}-aide");
    let error_id = format!("{name}-erreur");
    let status_id = format!("{name}-statut");
    let option_prefix = format!("{name}-option-");
    let option_id = move |i: usize| format!("{option_prefix}{i}");

    let choose = move |i: usize| {
        if let Some(s) = suggestions.read_untracked().get(i)
            && let Some(input) = input.get_untracked()
        {
            input.set_value(&s.label);
        }
        open.set(false);
        active.set(None);
    };
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        // Typing means the field has focus, even if it had it before the island woke up (no
        // focus event then).
        focused.set(true);
        active.set(None);
        let ticket = asked.get_value() + 1;
        asked.set_value(ticket);
        if typed.trim().chars().count() < 2 {
            suggestions.set(Vec::new());
            open.set(false);
            return;
        }
        // Asked once typing pauses, not at every key.
        set_timeout(
            move || {
                if asked.get_value() != ticket {
                    return;
                }
                leptos::task::spawn_local(async move {
                    if let Ok(found) = suggest_communes(typed).await
                        && asked.get_value() == ticket
                    {
                        open.set(focused.get_untracked() && !found.is_empty());
                        suggestions.set(found);
                    }
                });
            },
            std::time::Duration::from_millis(150),
        );
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = suggestions.read_untracked().len();
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Enter" => {
                if let (true, Some(i)) = (open.get_untracked(), active.get_untracked()) {
                    ev.prevent_default();
                    choose(i);
                }
            }
            "Escape" => {
                open.set(false);
                active.set(None);
            }
            _ => {}
        }
    };
    let invalid = error.is_some();
    let described_by = match &error {
        Some(_) => format!("{hint_id} {error_id}"),
        None => hint_id.clone(),
    };
    let status = move || match (open.get(), suggestions.read().len()) {
        (true, 1) => "1 commune proposée : flèche bas pour la choisir.".to_string(),
        (true, n) => format!("{n} communes proposées : flèches haut et bas pour choisir."),
        _ => String::new(),
    };
    view! {
        <div class="field combobox" class:field-invalid=invalid>
            <label for=name.clone() id=label_id.clone()>{label}{required.then_some(view! { <span class="required" aria-hidden="true">" *"</span> })}</label>
            <p class="hint" id=hint_id.clone()>{hint}</p>
            <input
                id=name.clone()
                name=name
                type="text"
                role="combobox"
                autocomplete="off"
                spellcheck="false"
                aria-autocomplete="list"
                aria-controls=list_id.clone()
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-activedescendant={
                    let option_id = option_id.clone();
                    move || active.get().filter(|_| open.get()).map(option_id.clone())
                }
                aria-invalid=invalid.then_some("true")
                aria-describedby=described_by
                required=required
                maxlength="80"
                value=value
                node_ref=input
                on:input=on_input
                on:keydown=on_keydown
                on:focus=move |_| focused.set(true)
                on:blur=move |_| {
                    focused.set(false);
                    open.set(false);
                }
            />
            <ul id=list_id class="combobox-list" role="listbox" aria-labelledby=label_id hidden=move || !open.get()>
                <For
                    each=move || suggestions.get().into_iter().enumerate()
                    key=|(i, s)| (*i, s.insee.clone())
                    children=move |(i, s)| {
                        view! {
                            <li
                                id=option_id(i)
                                role="option"
                                aria-selected=move || if active.get() == Some(i) { "true" } else { "false" }
                                // mousedown, not click: the input's blur would close the list first.
                                on:mousedown=move |ev| {
                                    ev.prevent_default();
                                    choose(i);
                                }
                            >
                                {s.label}
                                {(!s.context.is_empty()).then(|| view! { <span class="combobox-context">{format!(" — {}", s.context)}</span> })}
                            </li>
                        }
                    }
                />
            </ul>
            <p class="visually-hidden" id=status_id role="status">{status}</p>
            {error.map(|m| view! { <p class="field-error" id=error_id>"Erreur : "{m}</p> })}
        </div>
    }
}

//! Accessible form pieces: every input has a label, an optional hint, and its error message
//! linked through `aria-describedby`. Errors are written out in text, never shown by colour alone.

use crate::error::{AppError, FieldErrors};
use leptos::prelude::*;

/// The field errors of an action's last result, if it failed validation.
pub fn field_errors<T, V>(value: V) -> Signal<Option<FieldErrors>>
where
    T: Clone + Send + Sync + 'static,
    V: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || match value.get() {
        Some(Err(AppError::Invalid(errors))) => Some(errors),
        _ => None,
    })
}

/// A message for a failed action that is not about one field (or a summary when it is).
#[component]
pub fn FormAlert<T, V>(value: V) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    move || {
        value.get().and_then(|result| result.err()).map(|error| {
            let items = error.field_errors().map(|errors| {
                errors
                    .0
                    .iter()
                    .map(|(field, message)| {
                        let href = format!("#{field}");
                        view! { <li><a href=href>{message.clone()}</a></li> }
                    })
                    .collect_view()
            });
            view! {
                <div class="form-alert" role="alert">
                    <p><strong>"Erreur : "</strong>{error.to_string()}</p>
                    {items.map(|items| view! { <ul>{items}</ul> })}
                </div>
            }
        })
    }
}

#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = true)] required: bool,
    #[prop(optional, into)] value: Option<String>,
    #[prop(into)] errors: Signal<Option<FieldErrors>>,
) -> impl IntoView {
    let error_id = format!("{name}-erreur");
    let hint_id = format!("{name}-aide");
    let message = move || errors.get().and_then(|e| e.get(name).map(str::to_string));
    let described_by = {
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if message().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || message().is_some()>
            <label for=name>{label}{required.then_some(view! { <span class="required" aria-hidden="true">" *"</span> })}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                value=value
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=described_by
            />
            {move || message().map(|m| view! { <p class="field-error" id=error_id.clone()>"Erreur : "{m}</p> })}
        </div>
    }
}

/// The error message of `name`, and the `aria-describedby` ids to link it (and a hint) with.
fn described(
    name: &'static str,
    has_hint: bool,
    errors: Signal<Option<FieldErrors>>,
) -> (
    impl Fn() -> Option<String> + Clone + Send + Sync + 'static,
    impl Fn() -> Option<String> + Clone + Send + Sync + 'static,
) {
    let message = move || errors.get().and_then(|e| e.get(name).map(str::to_string));
    let described_by = move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(format!("{name}-aide"));
        }
        if message().is_some() {
            ids.push(format!("{name}-erreur"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    (message, described_by)
}

/// A labelled choice list; `options` are `(value, label)`.
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    #[prop(optional, into)] selected: String,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = true)] required: bool,
    /// Label of an empty first choice, if the field may stay unset.
    #[prop(optional)]
    placeholder: Option<&'static str>,
    #[prop(into)] errors: Signal<Option<FieldErrors>>,
) -> impl IntoView {
    let (message, described_by) = described(name, hint.is_some(), errors);
    let invalid = message.clone();
    let aria_invalid = message.clone();
    view! {
        <div class="field" class:field-invalid=move || invalid().is_some()>
            <label for=name>{label}{required.then_some(view! { <span class="required" aria-hidden="true">" *"</span> })}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{name}-aide")>{h}</p> })}
            <select id=name name=name required=required
                aria-invalid=move || aria_invalid().is_some().then_some("true")
                aria-describedby=described_by>
                {placeholder.map(|p| view! { <option value="">{p}</option> })}
                {options.into_iter().map(|(value, text)| {
                    let is_selected = value == selected;
                    view! { <option value=value selected=is_selected>{text}</option> }
                }).collect_view()}
            </select>
            {move || message().map(|m| view! { <p class="field-error" id=format!("{name}-erreur")>"Erreur : "{m}</p> })}
        </div>
    }
}

/// A labelled checkbox sending `on` when ticked.
#[component]
pub fn CheckField(
    label: &'static str,
    name: &'static str,
    #[prop(optional)] checked: bool,
) -> impl IntoView {
    view! {
        <div class="field field-check">
            <input type="checkbox" id=name name=name value="on" checked=checked/>
            <label for=name>{label}</label>
        </div>
    }
}

/// A labelled multi-line text.
#[component]
pub fn TextAreaField(
    label: &'static str,
    name: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(into)] errors: Signal<Option<FieldErrors>>,
) -> impl IntoView {
    let (message, described_by) = described(name, hint.is_some(), errors);
    let invalid = message.clone();
    let aria_invalid = message.clone();
    view! {
        <div class="field" class:field-invalid=move || invalid().is_some()>
            <label for=name>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{name}-aide")>{h}</p> })}
            <textarea id=name name=name rows="6"
                aria-invalid=move || aria_invalid().is_some().then_some("true")
                aria-describedby=described_by>{value}</textarea>
            {move || message().map(|m| view! { <p class="field-error" id=format!("{name}-erreur")>"Erreur : "{m}</p> })}
        </div>
    }
}

/// `(code, label)` choices of a closed vocabulary.
pub fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), label(*v).to_string()))
        .collect()
}

/// The message of field `name` in an action's errors, for fields that take a plain message.
pub fn field_message(
    errors: Signal<Option<FieldErrors>>,
    name: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || errors.get().and_then(|e| e.get(name).map(str::to_string)))
}

/// A group of labelled checkboxes sending `name[]` once per ticked value.
#[component]
pub fn CheckGroup(
    legend: &'static str,
    /// The form field name, without the `[]`; also the id the error summary links to.
    name: &'static str,
    options: Vec<(String, String)>,
    checked: Vec<String>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(into)] errors: Signal<Option<FieldErrors>>,
) -> impl IntoView {
    let (message, described_by) = described(name, hint.is_some(), errors);
    let invalid = message.clone();
    view! {
        <fieldset class="field" class:field-invalid=move || invalid().is_some() id=name aria-describedby=described_by>
            <legend>{legend}</legend>
            {hint.map(|h| view! { <p class="hint" id=format!("{name}-aide")>{h}</p> })}
            {options.into_iter().map(|(value, text)| {
                let id = format!("{name}-{}", value.replace('+', "plus"));
                let is_checked = checked.contains(&value);
                view! {
                    <div class="field-check">
                        <input type="checkbox" id=id.clone() name=format!("{name}[]") value=value checked=is_checked/>
                        <label for=id>{text}</label>
                    </div>
                }
            }).collect_view()}
            {move || message().map(|m| view! { <p class="field-error" id=format!("{name}-erreur")>"Erreur : "{m}</p> })}
        </fieldset>
    }
}

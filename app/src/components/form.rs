//! Accessible form pieces: every input has a label, an optional hint, and its error message
//! linked through `aria-describedby`. Errors are written out in text, never shown by colour alone.

use crate::error::{AppError, FieldErrors};
use leptos::context::Provider;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::client::Client;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::{Http, ServerFn};
use serde::Serialize;
use serde::de::DeserializeOwned;

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

/// The result `action` shows in one of several forms of it on a page, the one named by `key` (a
/// hidden field's name and value, as [`KeptForm`] takes it). A refusal comes back to every form of
/// the action; it belongs to the one that was sent. When that one is not known (the page was
/// drawn by another server, or reloaded, or the kept fields expired), every form shows it.
pub fn keyed_value<ServFn>(
    action: ServerAction<ServFn>,
    key: (&'static str, String),
) -> Signal<Option<Result<ServFn::Output, AppError>>>
where
    ServFn: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    ServFn::Output: Clone + Send + Sync + 'static,
{
    let sent_here = use_context::<SentForms>()
        .and_then(|forms| forms.of(ServFn::PATH))
        .is_none_or(|sent| sent.has(key.0, &key.1));
    let value = action.value();
    Signal::derive(move || if sent_here { value.get() } else { None })
}

/// The id a field of one form has, from its name, where several forms of one kind share a page.
pub type FieldIds = std::sync::Arc<dyn Fn(&str) -> String + Send + Sync>;

/// A message for a failed action that is not about one field (or a summary when it is), each
/// field's message linking to the field: its id is its name, or what `field_ids` makes of it.
#[component]
pub fn FormAlert<T, V>(value: V, #[prop(optional)] field_ids: Option<FieldIds>) -> impl IntoView
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
                        let id = field_ids.as_ref().map_or_else(|| field.clone(), |ids| ids(field));
                        let href = format!("#{id}");
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
    // A password is never written back into a page.
    let value = match kept() {
        Some(sent) if kind != "password" => Some(sent.value(name).unwrap_or_default().to_string()),
        _ => value,
    };
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
    let selected = kept_value(name, selected);
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
    let checked = kept().map_or(checked, |sent| sent.ticked(name));
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
    let value = kept_value(name, value);
    let (message, described_by) = described(name, hint.is_some(), errors);
    let invalid = message.clone();
    let aria_invalid = message.clone();
    view! {
        <div class="field" class:field-invalid=move || invalid().is_some()>
            <label for=name>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{name}-aide")>{h}</p> })}
            <textarea id=name name=name rows="6"
                aria-invalid=move || aria_invalid().is_some().then_some("true")
                aria-describedby=described_by>{textarea_text(value)}</textarea>
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
    let checked = kept().map_or(checked, |sent| sent.values(name));
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

/// What a person sent through a form, as its fields' names and values (`name[]` counted as `name`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sent(Vec<(String, String)>);

impl Sent {
    /// From the fields of a plain form post.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Sent(
            pairs
                .into_iter()
                .map(|(name, value)| match name.strip_suffix("[]") {
                    Some(base) => (base.to_string(), value),
                    None => (name, value),
                })
                .collect(),
        )
    }

    /// The first value sent for `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value sent for `name`, in order (a group of checkboxes).
    pub fn values(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether `name` was sent with `value` (a ticked box, a chosen radio).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(n, v)| n == name && v == value)
    }

    /// Whether the checkbox `name` was ticked: sent, and not as the empty default.
    pub fn ticked(&self, name: &str) -> bool {
        self.0.iter().any(|(n, v)| n == name && !v.is_empty())
    }
}

/// Forms sent and refused on this page, by server-function path: the server fills it from the
/// plain post that was redirected back here. Every form is a plain one now (the pages are drawn
/// on the server, only islands run in the browser), so this is the only way back. Provided once,
/// at the root of the app.
#[derive(Clone)]
pub struct SentForms(std::sync::Arc<[(String, Sent)]>);

impl SentForms {
    pub fn provide(initial: Vec<(String, Sent)>) {
        provide_context(SentForms(initial.into()));
    }

    fn of(&self, path: &str) -> Option<Sent> {
        self.0
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, sent)| sent.clone())
    }
}

/// What the enclosing form shows again, when it was refused.
#[derive(Clone, Debug)]
struct Kept(Option<Sent>);

fn kept() -> Option<Sent> {
    use_context::<Kept>().and_then(|k| k.0)
}

/// The value a hand-written field shows: what was sent if its form was refused, else `saved`.
pub fn kept_value(name: &str, saved: impl Into<String>) -> String {
    match kept() {
        Some(sent) => sent.value(name).unwrap_or_default().to_string(),
        None => saved.into(),
    }
}

/// The text of a `<textarea>`, as the server must write it. The renderer writes a textarea's
/// children unescaped, so a saved text holding `</textarea>` would end the field and the rest
/// would be read as markup; in the browser the text is set as a text node and needs nothing.
pub fn textarea_text(text: String) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        text
    }
}

/// Every value the enclosing refused form sent for `name`, if it was refused.
pub fn kept_values(name: &str) -> Option<Vec<String>> {
    kept().map(|sent| sent.values(name))
}

/// Whether a hand-written checkbox, radio or option `name = value` shows as chosen.
pub fn kept_choice(name: &str, value: &str, saved: bool) -> bool {
    match kept() {
        Some(sent) => sent.has(name, value),
        None => saved,
    }
}

/// An `ActionForm` that, once refused, shows what was sent instead of the saved values: the
/// fields inside read it through [`kept_value`] and [`kept_choice`] (the field components here do
/// so by themselves). With several forms of one action on a page, `key` (a hidden field's name
/// and value) says which one was sent.
#[component]
pub fn KeptForm<ServFn, OutputProtocol>(
    action: ServerAction<ServFn>,
    #[prop(optional)] key: Option<(&'static str, String)>,
    children: Children,
) -> impl IntoView
where
    ServFn: DeserializeOwned
        + Serialize
        + ServerFn<Protocol = Http<PostUrl, OutputProtocol>>
        + Clone
        + Send
        + Sync
        + 'static,
    <<ServFn::Client as Client<ServFn::Error>>::Request as ClientReq<ServFn::Error>>::FormData:
        From<web_sys::FormData>,
    ServFn::Output: Send + Sync + 'static,
    ServFn::Error: Send + Sync + 'static,
    <ServFn as ServerFn>::Client: Client<<ServFn as ServerFn>::Error>,
{
    let forms = use_context::<SentForms>();
    let refused = action.value().with_untracked(|v| matches!(v, Some(Err(_))));
    let sent = forms
        .filter(|_| refused)
        .and_then(|forms| forms.of(ServFn::PATH))
        .filter(|sent| {
            key.as_ref()
                .is_none_or(|(name, value)| sent.has(name, value))
        });
    view! {
        <ActionForm action>
            <Provider value=Kept(sent)>{children()}</Provider>
        </ActionForm>
    }
}

/// A file input that, with JavaScript, refuses a file over `max_bytes` as soon as it is chosen
/// (the browser then does not send the form) and says why; without JavaScript the server refuses
/// it with the same limit. The hint (`{id}-aide`) states the limit beforehand. An island: the
/// page around it is drawn on the server only.
#[island]
pub fn FileInput(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] accept: String,
    max_bytes: usize,
) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let input: NodeRef<leptos::html::Input> = NodeRef::new();
    let check = move || {
        let Some(input) = input.get_untracked() else {
            return;
        };
        let size = input
            .files()
            .and_then(|files| files.get(0))
            .map(|file| file.size() as u64);
        let message = size.and_then(|size| crate::domain::limits::too_large(size, max_bytes));
        input.set_custom_validity(message.as_deref().unwrap_or(""));
        problem.set(message);
    };
    // A file chosen before the island woke up is checked as it wakes.
    Effect::new(move |_| {
        if input.get().is_some() {
            check();
        }
    });
    let hint_id = format!("{id}-aide");
    let error_id = format!("{id}-erreur");
    let described = {
        let error_id = error_id.clone();
        move || match problem.get() {
            Some(_) => format!("{hint_id} {error_id}"),
            None => hint_id.clone(),
        }
    };
    view! {
        <input id=id name=name type="file" accept=accept required=true
            aria-describedby=described
            aria-invalid=move || problem.get().map(|_| "true")
            node_ref=input
            on:change=move |_| check()/>
        {move || problem.get().map(|m| view! { <p class="field-error" id=error_id.clone() role="alert">"Erreur : "{m}</p> })}
    }
}

/// An action that cannot be undone: its first button only opens a step that says what cannot be
/// undone, and the action is confirmed from there. A native disclosure, so the step is the same
/// with or without JavaScript, and the keyboard reaches it as any button.
#[component]
pub fn ConfirmStep(
    /// The first button's words ("Retirer ma candidature").
    #[prop(into)]
    label: String,
    /// Its accessible name when the words alone are ambiguous on the page.
    #[prop(optional, into)]
    aria_label: Option<String>,
    /// What happens and cannot be undone, in a sentence or two.
    #[prop(into)]
    warning: String,
    #[prop(optional)] secondary: bool,
    /// Open from the start: when the form inside was refused and shows why.
    #[prop(optional, into)]
    open: Signal<bool>,
    /// The form, with its confirming button.
    children: Children,
) -> impl IntoView {
    view! {
        <details class="confirm-step" open=move || open.get()>
            <summary class=if secondary { "button button-secondary" } else { "button" } aria-label=aria_label>{label}</summary>
            <div class="confirm-body">
                <p class="confirm-warning"><strong>"À confirmer : "</strong>{warning}</p>
                {children()}
                <p class="hint">"Pour ne rien faire, refermez ce cadre en activant de nouveau le bouton ci-dessus."</p>
            </div>
        </details>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn a_textarea_text_cannot_end_its_field() {
        assert_eq!(
            textarea_text("a < b </textarea><b>x</b> & c".into()),
            "a &lt; b &lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt; &amp; c"
        );
    }

    #[test]
    fn sent_values_read_back_by_name() {
        let pair = |n: &str, v: &str| (n.to_string(), v.to_string());
        let sent = Sent::from_pairs([
            pair("audience", "mutation"),
            pair("dalo", ""),
            pair("typologies[]", "T2"),
            pair("typologies[]", "T3"),
        ]);
        assert_eq!(sent.value("audience"), Some("mutation"));
        assert!(!sent.ticked("dalo"));
        assert_eq!(sent.values("typologies"), vec!["T2", "T3"]);
        assert_eq!(sent.value("pour"), None);
        let plain = Sent::from_pairs([("typologies[]".to_string(), "T4".to_string())]);
        assert!(plain.has("typologies", "T4"));
    }
}

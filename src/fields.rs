//! A text or number input that keeps what the user is typing. Yew re-applies `value` on every
//! render, and snapshots re-render the page many times a second while a run goes on, so a plain
//! controlled input would throw away half-typed text. This one shows its draft until the value it
//! is given changes (the edit was committed, or refused and shown back).

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DraftInputProps {
    pub id: AttrValue,
    /// `number` or `text`.
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    pub value: AttrValue,
    /// Called with the text when the user commits it (Enter or leaving the field).
    pub on_commit: Callback<String>,
    #[prop_or_default]
    pub min: Option<AttrValue>,
    #[prop_or_default]
    pub max: Option<AttrValue>,
    #[prop_or_default]
    pub step: Option<AttrValue>,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    #[prop_or_default]
    pub invalid: bool,
    #[prop_or_default]
    pub described_by: Option<AttrValue>,
}

#[function_component(DraftInput)]
pub fn draft_input(props: &DraftInputProps) -> Html {
    let draft = use_state(|| None::<String>);
    {
        // A new value from outside replaces the draft.
        let draft = draft.clone();
        use_effect_with(props.value.clone(), move |_| draft.set(None));
    }
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            draft.set(Some(input.value()));
        })
    };
    let onchange = {
        let on_commit = props.on_commit.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_commit.emit(input.value());
        })
    };
    let shown = (*draft)
        .clone()
        .map_or_else(|| props.value.clone(), AttrValue::from);
    html! {
        <input type={props.kind.clone()} id={props.id.clone()} value={shown}
            min={props.min.clone()} max={props.max.clone()} step={props.step.clone()}
            inputmode={props.inputmode.clone()}
            aria-invalid={props.invalid.to_string()} aria-describedby={props.described_by.clone()}
            {oninput} {onchange} />
    }
}

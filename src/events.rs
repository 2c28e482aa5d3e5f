//! The event log under the charts: what the engine saw happen, in time order and in the chapter's
//! words, each line linked to its node (a click selects it on the canvas) and to its moment (the
//! same instant is marked on every time chart). Built from the windows' events, never guessed
//! from the charts.

use crate::i18n::events::{followed_by, sentence, text, Names, Text};
use crate::i18n::Lang;
use scalelab_design::Design;
use scalelab_engine::{Command, EventKind, SimEvent, WindowStats};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Engine node labels (`db/r1`…) and data-centre names of a design, by id.
pub struct ModelNames {
    labels: Vec<String>,
    regions: Vec<String>,
}

impl ModelNames {
    pub fn of(design: &Design) -> ModelNames {
        ModelNames {
            labels: scalelab_design::lower::model_nodes(design)
                .into_iter()
                .map(|n| n.key)
                .collect(),
            regions: design.regions.iter().map(|r| r.name.clone()).collect(),
        }
    }
}

impl Names for ModelNames {
    fn node(&self, id: u32) -> String {
        self.labels
            .get(id as usize)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }
    fn region(&self, id: u16) -> String {
        self.regions
            .get(usize::from(id))
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }
}

/// The document node an engine node belongs to (a replica's, a shard's: its database's).
pub fn design_node(design: &Design, id: u32) -> Option<String> {
    let member = scalelab_design::lower::model_nodes(design)
        .into_iter()
        .nth(id as usize)?;
    design.nodes.get(member.design_index).map(|n| n.id.clone())
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub at_s: f64,
    /// "t=30 s: web1 died; the load balancer took it out at 40.0 s"
    pub text: String,
    /// The event's kind, as the engine names it (`fault`, `target_out`…).
    pub kind: String,
    /// The document node to select, if any.
    pub node: Option<String>,
}

/// The kind's name as the engine serializes it.
pub fn kind_name(e: &SimEvent) -> String {
    serde_json::to_value(&e.what)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string))
        .unwrap_or_default()
}

/// A time as the log writes it: whole seconds without decimals.
pub fn fmt_time(at_s: f64) -> String {
    if (at_s - at_s.round()).abs() < 1e-6 {
        format!("{at_s:.0}")
    } else {
        format!("{at_s:.1}")
    }
}

/// The log's lines for `windows`, oldest first. A kill is told with what came of it (the
/// balancer taking the node out, a replica promoted), as the chapter tells it.
pub fn lines(windows: &[WindowStats], design: &Design, lang: Lang) -> (Vec<Line>, u64) {
    let names = ModelNames::of(design);
    let events: Vec<&SimEvent> = windows.iter().flat_map(|w| w.events.iter()).collect();
    let dropped = windows.iter().map(|w| w.events_dropped).sum();
    let lines = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut said = sentence(lang, e, &names);
            if let EventKind::Fault {
                command: Command::Kill { node },
                ..
            } = e.what
            {
                let outcome = events[i + 1..].iter().find(|later| match later.what {
                    EventKind::TargetOut { target } => target == node,
                    EventKind::Failover { .. } => later.node == Some(node),
                    _ => false,
                });
                if let Some(more) = outcome.and_then(|l| followed_by(lang, l, &names)) {
                    said = format!("{said}; {more}");
                }
            }
            let at = fmt_time(e.at_s);
            Line {
                at_s: e.at_s,
                text: match lang {
                    Lang::Ko => format!("{at}초: {said}"),
                    Lang::En => format!("t={at} s: {said}"),
                },
                kind: kind_name(e),
                node: e.node.and_then(|n| design_node(design, n)),
            }
        })
        .collect();
    (lines, dropped)
}

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub windows: Rc<Vec<WindowStats>>,
    pub design: Design,
    pub lang: Lang,
    pub on_select: Callback<String>,
    /// An entry was chosen: its moment, marked on every time chart.
    #[prop_or_default]
    pub on_moment: Callback<f64>,
    /// The moment marked now, whose entries show as current.
    #[prop_or_default]
    pub moment: Option<f64>,
}

#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let lang = props.lang;
    let (lines, dropped) = lines(&props.windows, &props.design, lang);
    let hint = crate::i18n::screen2::text(lang, crate::i18n::screen2::Text::ShowMoment);
    let items = lines.iter().map(|l| {
        // The whole entry is the control (its node's button included, whose click bubbles
        // here): it selects the node and marks the moment on the charts.
        let choose = {
            let (on_select, on_moment) = (props.on_select.clone(), props.on_moment.clone());
            let (node, at) = (l.node.clone(), l.at_s);
            move || {
                if let Some(id) = node.clone() {
                    on_select.emit(id);
                }
                on_moment.emit(at);
            }
        };
        let onclick = {
            let choose = choose.clone();
            Callback::from(move |_: MouseEvent| choose())
        };
        let onkeydown = Callback::from(move |e: KeyboardEvent| {
            // Keys on the node's button come here too; its own click already chooses.
            let on_button = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| el.tag_name().eq_ignore_ascii_case("button"));
            if !on_button && (e.key() == "Enter" || e.key() == " ") {
                e.prevent_default();
                choose();
            }
        });
        let select = l.node.clone().map(|id| {
            html! {
                <button class="event-node" data-node={id.clone()} title={text(lang, Text::SelectNode)}>{ id }</button>
            }
        });
        let current = props.moment == Some(l.at_s);
        html! {
            <li class={classes!("event", current.then_some("current"))} data-kind={l.kind.clone()} data-at={format!("{}", l.at_s)}
                tabindex="0" role="button" title={hint} aria-current={current.then_some("true")}
                {onclick} {onkeydown}>
                <time>{ l.text.clone() }</time>
                { select.unwrap_or_default() }
            </li>
        }
    });
    html! {
        <section class="event-log" id="event-log" aria-live="polite">
            <h3>{ text(lang, Text::Title) }</h3>
            if lines.is_empty() {
                <p class="dash-hint">{ text(lang, Text::Empty) }</p>
            } else {
                <ol id="event-list">{ for items }</ol>
            }
            if dropped > 0 {
                <p class="dash-hint">{ format!("{dropped} {}", text(lang, Text::Dropped)) }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalelab_engine::SimEvent;

    fn stage4() -> Design {
        Design::from_json(include_str!("../designs/stage04-replication.json")).expect("stage 4")
    }

    fn window(index: u64, events: Vec<SimEvent>) -> WindowStats {
        WindowStats {
            index,
            start_s: index as f64,
            len_s: 1.0,
            events,
            ..WindowStats::default()
        }
    }

    fn id(design: &Design, key: &str) -> u32 {
        scalelab_design::lower::model_nodes(design)
            .iter()
            .position(|n| n.key == key)
            .expect("node") as u32
    }

    /// Stage 4's primary dies at 40 s and a replica is promoted at 50 s: the kill's line says
    /// what came of it, and the lines are in time order, in both languages.
    #[test]
    fn a_kill_is_told_with_its_failover_in_both_languages() {
        let d = stage4();
        let (db, r2) = (id(&d, "db"), id(&d, "db/r2"));
        let windows = vec![
            window(
                40,
                vec![SimEvent {
                    at_s: 40.0,
                    node: Some(db),
                    what: EventKind::Fault {
                        command: Command::Kill { node: db },
                        scheduled: true,
                    },
                }],
            ),
            window(
                50,
                vec![SimEvent {
                    at_s: 50.0,
                    node: Some(db),
                    what: EventKind::Failover {
                        promoted: r2,
                        writes_lost: 64,
                        writes_at_risk: 64,
                    },
                }],
            ),
        ];
        let (en, dropped) = lines(&windows, &d, Lang::En);
        assert_eq!(dropped, 0);
        assert_eq!(en.len(), 2);
        assert_eq!(
            en[0].text,
            "t=40 s: 'db' died; 'db/r2' was promoted at 50.0 s"
        );
        assert_eq!(en[0].node.as_deref(), Some("db"));
        assert!(
            en[1].text.starts_with("t=50 s: 'db' failed over"),
            "{}",
            en[1].text
        );
        assert!(en[1].text.contains("64 writes lost"));
        let (ko, _) = lines(&windows, &d, Lang::Ko);
        assert!(
            ko[0].text.starts_with("40초: 'db'이(가) 죽었습니다"),
            "{}",
            ko[0].text
        );
        assert!(ko[1].text.contains("승격"));
    }
}

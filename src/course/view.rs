//! The course panel: the chapter's outline with finished stages ticked, the sandbox beside it,
//! and for the stage followed its briefing, steps, live goal rows and debrief. Every state is
//! written in words, never only in colour.

use super::challenges::CHALLENGES;
use super::lessons::LESSONS;
use super::progress::{position_text, result_query, Course, Msg};
use super::{Goal, Verdict};
use crate::i18n::course::{challenge_text, metric, stage, ui, value, Ct, Ui};
use crate::i18n::{t, Lang};
use crate::stages::STAGES;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub course: Course,
    pub lang: Lang,
    pub on_msg: Callback<Msg>,
}

#[function_component(CoursePanel)]
pub fn course_panel(props: &Props) -> Html {
    let lang = props.lang;
    let course = &props.course;
    let send = |msg: Msg| {
        let on_msg = props.on_msg.clone();
        Callback::from(move |_: MouseEvent| on_msg.emit(msg.clone()))
    };
    let outline = STAGES.iter().enumerate().map(|(i, s)| {
        let done = course.record.done.contains(&(i as u32 + 1));
        let current = course.stage == Some(i);
        html! {
            <li data-done={done.to_string()}>
                <button class={classes!("course-stage", current.then_some("current"))} data-stage={(i + 1).to_string()}
                    aria-current={current.then_some("step")} onclick={send(Msg::Open { stage: i, step: 0 })}>
                    { if done { "✓ " } else { "" } }{ t(lang, s.title) }
                    if done { <span class="sr-only">{ format!(" ({})", ui(lang, Ui::Finished)) }</span> }
                </button>
            </li>
        }
    });
    let challenges = CHALLENGES.iter().enumerate().map(|(i, c)| {
        let done = course.record.challenges.contains_key(c.id);
        let current = course.challenge == Some(i);
        html! {
            <li data-done={done.to_string()}>
                <button class={classes!("course-stage", current.then_some("current"))} data-challenge={c.id}
                    aria-current={current.then_some("step")} onclick={send(Msg::Challenge { challenge: i })}>
                    { if done { "✓ " } else { "" } }{ challenge_text(lang, i).title }
                    if done { <span class="sr-only">{ format!(" ({})", ui(lang, Ui::Finished)) }</span> }
                </button>
            </li>
        }
    });
    html! {
        <section id="course" class="course" aria-label={ui(lang, Ui::Course)}
            data-stage={course.stage.map_or(String::new(), |s| (s + 1).to_string())}
            data-step={course.step.to_string()}>
            <details id="course-outline" open={course.stage.is_none()}>
                <summary>{ ui(lang, Ui::Outline) }{ format!(" · {}/{}", course.record.done.len(), LESSONS.len()) }</summary>
                <ol>{ for outline }</ol>
            </details>
            <details id="course-challenges" open={course.challenge.is_some()}>
                <summary>{ challenge_ui(lang, Ct::Challenges) }{ format!(" · {}/{}", course.record.challenges.len(), CHALLENGES.len()) }</summary>
                <ol>{ for challenges }</ol>
            </details>
            <button id="course-sandbox" aria-pressed={course.stage.is_none().to_string()} onclick={send(Msg::Sandbox)}>{ ui(lang, Ui::Sandbox) }</button>
            { match (course.stage, course.challenge) {
                (Some(i), _) => stage_view(course, i, lang, &send),
                (None, Some(i)) => html! { <ChallengeView course={course.clone()} index={i} lang={lang} on_msg={props.on_msg.clone()} /> },
                (None, None) => html! { <p class="hint" id="course-sandbox-hint">{ ui(lang, Ui::SandboxHint) }</p> },
            } }
        </section>
    }
}

fn stage_view(
    course: &Course,
    i: usize,
    lang: Lang,
    send: &dyn Fn(Msg) -> Callback<MouseEvent>,
) -> Html {
    let lesson = &LESSONS[i];
    let text = stage(lang, i);
    let steps = lesson.steps.iter().zip(text.steps).enumerate().map(|(k, (step, (todo, watch)))| {
        let done = k < course.step;
        let current = k == course.step;
        let state = if done {
            ui(lang, Ui::Done)
        } else if current && course.acted() {
            ui(lang, Ui::Watching)
        } else {
            ui(lang, Ui::Waiting)
        };
        let seen = course.watched.get(k).copied().flatten();
        html! {
            <li class={classes!("course-step", done.then_some("done"), current.then_some("current"))}
                data-done={done.to_string()} aria-current={current.then_some("step")}>
                <span class="step-state">{ if done { "✓ " } else if current { "▸ " } else { "" } }{ state }{ ": " }</span>
                <span class="step-do">{ *todo }</span>{ " " }
                <span class="step-watch">{ ui(lang, Ui::Watch) }{ ": " }{ *watch }</span>
                if let Some(v) = seen {
                    <span class="step-seen">{ format!(" ({} {})", metric(lang, step.watch.metric), value(step.watch.metric, v)) }</span>
                }
                <a class="step-link" href={format!("?course={}", position_text(i, k))} aria-label={format!("{} {}", ui(lang, Ui::StepLink), k + 1)}>{ "#" }</a>
            </li>
        }
    });
    let goal = &lesson.goal;
    let met = course.verdict == Some(Verdict::Met);
    html! {
        <div class="course-stage-body">
            <h3 id="course-title">{ t(lang, STAGES[i].title) }</h3>
            <p id="course-briefing"><strong>{ ui(lang, Ui::Briefing) }{ ": " }</strong>{ text.briefing }</p>
            <ol id="course-steps" aria-label={ui(lang, Ui::Steps)}>{ for steps }</ol>
            { goal_table(course, goal, lang, None) }
            if met {
                <div id="course-debrief" class="debrief" role="status">
                    <h4>{ ui(lang, Ui::Debrief) }</h4>
                    <p>{ text.debrief }</p>
                    <p><strong>{ ui(lang, Ui::YourRun) }{ ": " }</strong>
                        { goal.rows.iter().zip(&course.goal).filter_map(|(row, a)| a.map(|a| format!("{} {}", metric(lang, row.metric), value(row.metric, a)))).collect::<Vec<_>>().join(" · ") }
                    </p>
                    <button id="course-solution" onclick={send(Msg::Solution { stage: i })}>{ ui(lang, Ui::Solution) }</button>
                    <p id="course-next">{ text.next }</p>
                    if i + 1 < LESSONS.len() {
                        <button id="course-next-stage" class="primary" onclick={send(Msg::Open { stage: i + 1, step: 0 })}>{ ui(lang, Ui::NextStage) }{ " →" }</button>
                    }
                </div>
            }
            <button id="course-restart" onclick={send(Msg::Restart { stage: i })}>{ ui(lang, Ui::Restart) }</button>
        </div>
    }
}

/// A goal's live rows, actual beside target, each stated in words; a challenge adds the row
/// that says whether its script (traffic and faults) is still in the design.
fn goal_table(course: &Course, goal: &Goal, lang: Lang, script: Option<bool>) -> Html {
    let rows = goal.rows.iter().enumerate().map(|(r, row)| {
        let actual = course.goal.get(r).copied().flatten();
        let holds = actual.map(|a| row.cmp.holds(a, row.target));
        let word = match holds {
            Some(true) => ui(lang, Ui::Met),
            Some(false) => ui(lang, Ui::Missed),
            None => "—",
        };
        html! {
            <tr data-met={holds.map_or("unknown".to_string(), |h| h.to_string())}>
                <th scope="row">{ metric(lang, row.metric) }</th>
                <td>{ format!("{} {}", row.cmp.symbol(), value(row.metric, row.target)) }</td>
                <td class="goal-actual">{ actual.map_or("—".to_string(), |a| value(row.metric, a)) }</td>
                <td>{ if holds == Some(true) { "✓ " } else if holds == Some(false) { "✗ " } else { "" } }{ word }</td>
            </tr>
        }
    });
    let verdict = match course.verdict {
        Some(Verdict::Met) => ("met", ui(lang, Ui::Met)),
        Some(Verdict::Missed) => ("missed", ui(lang, Ui::Missed)),
        Some(Verdict::Running) | None => ("running", ui(lang, Ui::Running)),
    };
    let span = ui(lang, Ui::GoalSpan)
        .replace("{from}", &format!("{}", goal.from_s))
        .replace("{to}", &format!("{}", goal.to_s));
    let script_row = script.map(|kept| {
        let word = if kept { ui(lang, Ui::Met) } else { ui(lang, Ui::Missed) };
        html! {
            <tr id="challenge-script" data-met={kept.to_string()}>
                <th scope="row">{ challenge_ui(lang, Ct::Script) }</th>
                <td>{ challenge_ui(lang, Ct::ScriptTarget) }</td>
                <td class="goal-actual">{ if kept { challenge_ui(lang, Ct::Kept) } else { challenge_ui(lang, Ct::Changed) } }</td>
                <td>{ if kept { "✓ " } else { "✗ " } }{ word }</td>
            </tr>
        }
    });
    html! {
        <table id="course-goal" aria-live="polite">
            <caption>{ ui(lang, Ui::Goal) }{ " " }{ span }{ ": " }
                <strong id="goal-verdict" data-verdict={verdict.0}>{ verdict.1 }</strong></caption>
            <thead><tr><th></th><th>{ ui(lang, Ui::Target) }</th><th>{ ui(lang, Ui::Actual) }</th><th></th></tr></thead>
            <tbody>{ for rows }{ for script_row }</tbody>
        </table>
    }
}

fn challenge_ui(lang: Lang, key: Ct) -> &'static str {
    crate::i18n::course::challenge_ui(lang, key)
}

#[derive(Properties, PartialEq)]
struct ChallengeProps {
    course: Course,
    index: usize,
    lang: Lang,
    on_msg: Callback<Msg>,
}

/// A challenge: its problem and budget, the same live goal rows as a stage plus the script row,
/// and once met, the link that lets anyone re-check the result by running it.
#[function_component(ChallengeView)]
fn challenge_view(props: &ChallengeProps) -> Html {
    let (course, i, lang) = (&props.course, props.index, props.lang);
    let challenge = &CHALLENGES[i];
    let text = challenge_text(lang, i);
    let link = use_state(|| None::<String>);
    let met = course.verdict == Some(Verdict::Met);
    let result = course.result.clone().filter(|_| met);
    let share = {
        let link = link.clone();
        let result = result.clone();
        Callback::from(move |_: MouseEvent| {
            let Some((fragment, seed)) = &result else {
                return;
            };
            let url = format!(
                "{}index.html{}#{fragment}",
                crate::embed::base_url(),
                result_query(i, *seed)
            );
            if let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) {
                let _ = clipboard.write_text(&url);
            }
            link.set(Some(url));
        })
    };
    let restart = {
        let on_msg = props.on_msg.clone();
        Callback::from(move |_: MouseEvent| on_msg.emit(Msg::RestartChallenge { challenge: i }))
    };
    let shown = (*link).clone().filter(|_| result.is_some());
    html! {
        <div class="course-stage-body" data-challenge={challenge.id}>
            <h3 id="course-title">{ text.title }</h3>
            <p id="course-briefing"><strong>{ challenge_ui(lang, Ct::Problem) }{ ": " }</strong>{ text.problem }</p>
            <p id="challenge-script-note" class="hint">{ challenge_ui(lang, Ct::ScriptNote) }</p>
            if let Some(seed) = course.shared {
                <p id="challenge-shared" role="status">{ challenge_ui(lang, Ct::Shared).replace("{seed}", &seed.to_string()) }</p>
            }
            { goal_table(course, &challenge.goal, lang, Some(course.script_kept)) }
            if course.mixed {
                <p id="challenge-mixed" class="hint" role="status">{ challenge_ui(lang, Ct::Mixed) }</p>
            }
            if met {
                <div id="course-debrief" class="debrief" role="status">
                    <h4>{ challenge_ui(lang, Ct::MetTitle) }</h4>
                    <p><strong>{ ui(lang, Ui::YourRun) }{ ": " }</strong>
                        { challenge.goal.rows.iter().zip(&course.goal).filter_map(|(row, a)| a.map(|a| format!("{} {}", metric(lang, row.metric), value(row.metric, a)))).collect::<Vec<_>>().join(" · ") }
                    </p>
                    <button id="challenge-share" class="primary" onclick={share}>{ challenge_ui(lang, Ct::Share) }</button>
                    if let Some(url) = shown {
                        <label class="challenge-link">{ challenge_ui(lang, Ct::LinkLabel) }
                            <input id="challenge-link" type="text" readonly=true value={url} /></label>
                    }
                </div>
            }
            <button id="course-restart" onclick={restart}>{ ui(lang, Ui::Restart) }</button>
        </div>
    }
}

//! The loop drawn as the lesson draws it: a lane each for the person, MCP Desk, the LLM and
//! every server, one arrow per message in the order it happened (SVG from the page's state),
//! each tool call's arrows under a heading that folds them (a click, Enter or Space),
//! the exact message of the arrow clicked, and the exports (Mermaid, and the SVG as drawn: its
//! colours are attributes, so the file draws the same without the page's CSS).

use leptos::prelude::*;
use mcp_desk_logic::timeline::{self, Arrow, Block, CallKey, Lane, Timeline};

use crate::controller::Controller;
use crate::state::AppState;

/// A lane's width and a row's height, in SVG units.
const LANE: usize = 150;
const ROW: usize = 26;
const TOP: usize = 30;

#[component]
pub fn TimelinePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let controller = expect_context::<Controller>();
    // The arrow clicked, by its number (the oldest go, so an index would slide).
    let picked = RwSignal::new(None::<u64>);
    let error = RwSignal::new(None::<String>);
    // The person's say on folding, by call (else an ended call folds once a later one began).
    let folded = RwSignal::new(Vec::<(CallKey, bool)>::new());
    let drawing = move || {
        folded.track();
        state.timeline.with(|t| draw(t, picked, folded))
    };
    // Redrawn when another arrow is picked, not with every message: an arrow never changes.
    let detail = move || {
        let seq = picked.get()?;
        state
            .timeline
            .with_untracked(|t| {
                t.arrow(seq)
                    .map(|a| (a.label.clone(), a.http.clone(), a.detail.clone()))
            })
            .map(|(label, http, detail)| {
                view! {
                    <div class="timeline-detail">
                        <strong>{label}</strong>
                        {(!http.is_empty()).then(|| view! { <pre class="http" data-testid="timeline-http">{http}</pre> })}
                        <pre data-testid="timeline-detail">{detail}</pre>
                    </div>
                }
            })
    };
    view! {
        <section class="panel" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">"Timeline"</h2>
            <div class="timeline-scroll">{drawing}</div>
            {detail}
            <div class="actions">
                <button
                    type="button"
                    data-testid="timeline-export-mermaid"
                    on:click={
                        let controller = controller.clone();
                        move |_| error.set(controller.export_mermaid(picked.get_untracked()).err())
                    }
                >
                    {move || {
                        let one = picked
                            .get()
                            .is_some_and(|seq| state.timeline.with_untracked(|t| t.group_of(seq).is_some()));
                        if one { "Export this call as Mermaid" } else { "Export as Mermaid" }
                    }}
                </button>
                <button
                    type="button"
                    data-testid="timeline-export-svg"
                    on:click=move |_| error.set(controller.export_svg().err())
                >
                    "Export as SVG"
                </button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
    }
}

/// The lanes, the groups and the arrows of `timeline`: each call's arrows under a heading
/// that folds them (by `folded`'s say, else the timeline's); clicking an arrow picks it.
fn draw(
    timeline: &Timeline,
    picked: RwSignal<Option<u64>>,
    folded: RwSignal<Vec<(CallKey, bool)>>,
) -> AnyView {
    let lanes = timeline.lanes();
    let x = |lane: &Lane| {
        let at = lanes.iter().position(|l| l == lane).unwrap_or(0);
        at * LANE + LANE / 2
    };
    let width = LANE * lanes.len();
    let mut row = 0;
    let mut groups = Vec::new();
    let mut arrows = Vec::new();
    for block in timeline.blocks() {
        match block {
            Block::Arrow(arrow) => {
                row += 1;
                arrows.push(arrow_view(arrow, TOP + ROW * row, &x, width, picked));
            }
            Block::Group { group, arrows: own } => {
                row += 1;
                let key = group.key;
                let is_folded = folded
                    .with_untracked(|f| f.iter().find(|(k, _)| *k == key).map(|(_, on)| *on))
                    .unwrap_or_else(|| timeline.folds(key));
                let y = TOP + ROW * row;
                let shown = if is_folded { 0 } else { own.len() };
                let band = ROW * (shown + 1);
                let state = match (is_folded, group.ended) {
                    (true, _) => "folded",
                    (false, true) => "open",
                    (false, false) => "running",
                };
                let took = own
                    .first()
                    .zip(own.last())
                    .map(|(a, b)| b.at_ms.saturating_sub(a.at_ms))
                    .unwrap_or(0);
                let heading = format!(
                    "{} {} · {} message{} · {}",
                    if is_folded { "▸" } else { "▾" },
                    group.title,
                    own.len(),
                    if own.len() == 1 { "" } else { "s" },
                    timeline::since_text(took).trim_start_matches('+'),
                );
                let toggle = move || {
                    folded.update(|f| {
                        f.retain(|(k, _)| *k != key);
                        f.push((key, !is_folded));
                    })
                };
                groups.push(view! {
                    <g
                        data-testid="timeline-group"
                        data-state=state
                        class="group-heading"
                        role="button"
                        tabindex="0"
                        aria-expanded=(!is_folded).to_string()
                        on:click=move |_| toggle()
                        on:keydown=move |ev| {
                            if ev.key() == "Enter" || ev.key() == " " {
                                ev.prevent_default();
                                toggle();
                            }
                        }
                    >
                        <rect x="0" y=(y - ROW + 8).to_string() width=width.to_string() height=band.to_string() fill="#f3f5fa" stroke="#d5dbe8" pointer-events="none"></rect>
                        <text x="6" y=(y + 4).to_string() font-weight="bold" fill="#345">{heading}</text>
                    </g>
                });
                if !is_folded {
                    for arrow in own {
                        row += 1;
                        arrows.push(arrow_view(arrow, TOP + ROW * row, &x, width, picked));
                    }
                }
            }
        }
    }
    let height = TOP + ROW * (row + 1);
    let heads = lanes
        .iter()
        .map(|lane| {
            let at = x(lane);
            view! {
                <text class="lane" x=at.to_string() y="16" text-anchor="middle">{lane.title()}</text>
                <line class="lane" x1=at.to_string() y1="22" x2=at.to_string() y2=height.to_string() stroke="#bbb" stroke-dasharray="3 3"></line>
            }
        })
        .collect_view();
    view! {
        <svg
            xmlns="http://www.w3.org/2000/svg"
            font-family="system-ui, sans-serif"
            font-size="11"
            data-testid="timeline"
            class="timeline"
            width=width.to_string()
            height=height.to_string()
            viewBox=format!("0 0 {width} {height}")
            role="img"
            aria-label="The messages of the loop, in order"
        >
            {groups}
            {heads}
            {arrows}
        </svg>
    }
    .into_any()
}

/// One arrow at height `y`, its lanes placed by `x`; clicking it picks it.
fn arrow_view(
    arrow: &Arrow,
    y: usize,
    x: &dyn Fn(&Lane) -> usize,
    width: usize,
    picked: RwSignal<Option<u64>>,
) -> impl IntoView + use<> {
    let seq = arrow.seq;
    let (from, to) = (x(&arrow.from), x(&arrow.to));
    let tip = if to > from { to - 6 } else { to + 6 };
    let head = format!("{to},{y} {tip},{} {tip},{}", y - 4, y + 4);
    view! {
        <g
            data-testid="timeline-arrow"
            data-kind=arrow.kind.clone()
            data-from=arrow.from.id()
            data-to=arrow.to.id()
            class="arrow"
            class:picked=move || picked.get() == Some(seq)
            on:click=move |_| picked.set(Some(seq))
        >
            <line x1=from.to_string() y1=y.to_string() x2=to.to_string() y2=y.to_string() stroke="#333"></line>
            <polygon points=head fill="#333"></polygon>
            <text x=((from + to) / 2).to_string() y=(y - 5).to_string() text-anchor="middle">
                {arrow.label.clone()}
            </text>
            {arrow.since_ms.map(|ms| view! {
                <text class="since" x=(width - 4).to_string() y=(y + 4).to_string() text-anchor="end" fill="#777">
                    {timeline::since_text(ms)}
                </text>
            })}
        </g>
    }
}

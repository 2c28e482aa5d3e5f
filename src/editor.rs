//! The canvas editor's gestures as an explicit state machine (idle, pointing, dragging,
//! connecting, panning, box-selecting): pointer input in, a new gesture and editing effects out.
//! Pure and tested natively; the canvas component only translates DOM events.

/// A point in world (design) coordinates, or in screen pixels for panning.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Pt {
    pub x: f64,
    pub y: f64,
}

impl Pt {
    pub fn new(x: f64, y: f64) -> Pt {
        Pt { x, y }
    }
    fn minus(self, other: Pt) -> Pt {
        Pt::new(self.x - other.x, self.y - other.y)
    }
    fn far_from(self, other: Pt, threshold: f64) -> bool {
        let d = self.minus(other);
        d.x * d.x + d.y * d.y > threshold * threshold
    }
}

/// The smallest font on the canvas, in world units: every node, badge and frame label is at
/// least this large.
pub const MIN_FONT: f64 = 16.0;
/// The zoom at which `MIN_FONT` is 12 CSS px: fitting never zooms out further.
pub const READABLE_ZOOM: f64 = 12.0 / MIN_FONT;
/// Screen pixels left around a fitted design.
pub const FIT_MARGIN: f64 = 8.0;

/// The world box a design's drawing covers: its nodes with their badges above (errors) and
/// below (live numbers), the ports, and the frames of its data centres.
pub fn design_bounds(design: &scalelab_design::Design) -> Option<(Pt, Pt)> {
    use crate::state::{NODE_H, NODE_W};
    let nodes = &design.nodes;
    if nodes.is_empty() {
        return None;
    }
    let (mut x0, mut y0) = (f64::MAX, f64::MAX);
    let (mut x1, mut y1) = (f64::MIN, f64::MIN);
    for n in nodes {
        x0 = x0.min(n.x);
        y0 = y0.min(n.y);
        x1 = x1.max(n.x + NODE_W);
        y1 = y1.max(n.y + NODE_H);
    }
    // Frames reach 24 around their nodes and 26 more above for their name (canvas.rs); below,
    // the badges reach further than a frame.
    let (pad_x, pad_top) = if design.regions.is_empty() {
        (12.0, 28.0)
    } else {
        (26.0, 52.0)
    };
    let pad_bottom = BADGE_BELOW;
    Some((
        Pt::new(x0 - pad_x, y0 - pad_top),
        Pt::new(x1 + pad_x, y1 + pad_bottom),
    ))
}

/// How far below a node its live badge reaches, in world units: two lines (load and queue, then
/// the node's p99 and its pool), 19 apart, of `MIN_FONT` text.
pub const BADGE_BELOW: f64 = 46.0;

/// The canvas height (pixels) that shows a design fitted to `width`, between `min_h` and
/// `max_h`: a wide, flat design gets a flat canvas and leaves the room to its charts.
pub fn canvas_height(design: &scalelab_design::Design, width: f64, min_h: f64, max_h: f64) -> f64 {
    let Some((min, max)) = design_bounds(design) else {
        return min_h;
    };
    let (w, h) = ((max.x - min.x).max(1.0), (max.y - min.y).max(1.0));
    let zoom = ((width - 2.0 * FIT_MARGIN) / w).clamp(READABLE_ZOOM, 1.0);
    (h * zoom + 2.0 * FIT_MARGIN).clamp(min_h, max_h).round()
}

/// The view: world = (screen − offset) / zoom. Session state, never part of the design.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Camera {
            x: 0.0,
            y: 0.0,
            zoom: 1.0,
        }
    }
}

impl Camera {
    pub const MIN_ZOOM: f64 = 0.25;
    pub const MAX_ZOOM: f64 = 3.0;

    pub fn to_world(self, screen: Pt) -> Pt {
        Pt::new(
            (screen.x - self.x) / self.zoom,
            (screen.y - self.y) / self.zoom,
        )
    }

    /// The view that shows the world rectangle `(min, max)` inside a viewport of `width` × `height`
    /// pixels with a margin, never zooming in past 1:1.
    pub fn fit(min: Pt, max: Pt, width: f64, height: f64) -> Camera {
        let margin = FIT_MARGIN;
        let (w, h) = ((max.x - min.x).max(1.0), (max.y - min.y).max(1.0));
        // Never below the zoom at which node text stays readable (12 CSS px): a design wider
        // than that is shown from its left edge (where requests start) and panned or pinched.
        let zoom = ((width - 2.0 * margin) / w)
            .min((height - 2.0 * margin) / h)
            .clamp(READABLE_ZOOM, 1.0);
        let x = if w * zoom + 2.0 * margin <= width {
            (width - w * zoom) / 2.0
        } else {
            margin
        };
        let y = if h * zoom + 2.0 * margin <= height {
            (height - h * zoom) / 2.0
        } else {
            margin
        };
        Camera {
            x: x - min.x * zoom,
            y: y - min.y * zoom,
            zoom,
        }
    }

    /// Zooms by `factor` keeping the world point under `screen` fixed.
    pub fn zoomed_at(self, screen: Pt, factor: f64) -> Camera {
        let zoom = (self.zoom * factor).clamp(Self::MIN_ZOOM, Self::MAX_ZOOM);
        let world = self.to_world(screen);
        Camera {
            x: screen.x - world.x * zoom,
            y: screen.y - world.y * zoom,
            zoom,
        }
    }
}

/// Pixels the pointer must travel before a press on a node becomes a drag (so a click selects).
const DRAG_THRESHOLD: f64 = 4.0;
/// Grid step for snapping positions.
pub const GRID: f64 = 20.0;

pub fn snap(v: f64) -> f64 {
    (v / GRID).round() * GRID
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Gesture {
    #[default]
    Idle,
    /// Pressed on a node, not yet moved far enough to drag.
    Pointing {
        node: String,
        start: Pt,
        additive: bool,
    },
    /// Moving the selected nodes; `offset` is the world distance moved so far.
    Dragging {
        ids: Vec<String>,
        start: Pt,
        offset: Pt,
    },
    /// Drawing a connection from a node's port towards the pointer.
    Connecting { from: String, cursor: Pt },
    /// Moving the camera.
    Panning { start_screen: Pt, camera: Camera },
    /// Selecting every node inside a rectangle.
    BoxSelecting {
        start: Pt,
        current: Pt,
        additive: bool,
    },
}

/// Pointer input, already hit-tested by the canvas. `at` is in world coordinates, `screen` in
/// pixels relative to the canvas.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    DownOnNode {
        id: String,
        at: Pt,
        shift: bool,
    },
    DownOnPort {
        id: String,
        at: Pt,
    },
    DownOnEmpty {
        at: Pt,
        screen: Pt,
        shift: bool,
        pan: bool,
    },
    Move {
        at: Pt,
        screen: Pt,
    },
    /// `over` is the node under the pointer, if any.
    Up {
        at: Pt,
        over: Option<String>,
    },
    Cancel,
}

/// What a gesture asks the editor to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Selects these nodes; `additive` toggles them into the current selection instead.
    Select {
        ids: Vec<String>,
        additive: bool,
    },
    ClearSelection,
    /// Moves nodes by a world offset (one undoable edit, at the end of the drag).
    MoveBy {
        ids: Vec<String>,
        dx: f64,
        dy: f64,
    },
    Connect {
        from: String,
        to: String,
    },
    SetCamera(Camera),
    /// Selects the nodes inside the world rectangle between two corners.
    SelectBox {
        a: Pt,
        b: Pt,
        additive: bool,
    },
}

/// One transition. `selection` is the current selection, `camera` the current view.
pub fn step(
    gesture: &Gesture,
    input: Input,
    selection: &[String],
    camera: Camera,
) -> (Gesture, Vec<Effect>) {
    use Gesture as G;
    match (gesture, input) {
        (_, Input::Cancel) => (G::Idle, vec![]),
        (G::Idle, Input::DownOnNode { id, at, shift }) => {
            let mut effects = vec![];
            // Pressing an unselected node selects it at once, so dragging it moves just it.
            if !selection.contains(&id) || shift {
                effects.push(Effect::Select {
                    ids: vec![id.clone()],
                    additive: shift,
                });
            }
            (
                G::Pointing {
                    node: id,
                    start: at,
                    additive: shift,
                },
                effects,
            )
        }
        (G::Idle, Input::DownOnPort { id, at }) => (
            G::Connecting {
                from: id,
                cursor: at,
            },
            vec![],
        ),
        (
            G::Idle,
            Input::DownOnEmpty {
                at,
                screen,
                shift,
                pan,
            },
        ) => {
            if pan {
                (
                    G::Panning {
                        start_screen: screen,
                        camera,
                    },
                    vec![],
                )
            } else {
                (
                    G::BoxSelecting {
                        start: at,
                        current: at,
                        additive: shift,
                    },
                    vec![],
                )
            }
        }
        (
            G::Pointing {
                node,
                start,
                additive,
            },
            Input::Move { at, .. },
        ) => {
            if at.far_from(*start, DRAG_THRESHOLD / camera.zoom) {
                let ids = if selection.contains(node) {
                    selection.to_vec()
                } else {
                    vec![node.clone()]
                };
                (
                    G::Dragging {
                        ids,
                        start: *start,
                        offset: at.minus(*start),
                    },
                    vec![],
                )
            } else {
                (
                    G::Pointing {
                        node: node.clone(),
                        start: *start,
                        additive: *additive,
                    },
                    vec![],
                )
            }
        }
        (G::Pointing { node, additive, .. }, Input::Up { .. }) => {
            // A click without a drag: a plain click narrows the selection to this node.
            if *additive {
                (G::Idle, vec![])
            } else {
                (
                    G::Idle,
                    vec![Effect::Select {
                        ids: vec![node.clone()],
                        additive: false,
                    }],
                )
            }
        }
        (G::Dragging { ids, start, .. }, Input::Move { at, .. }) => (
            G::Dragging {
                ids: ids.clone(),
                start: *start,
                offset: at.minus(*start),
            },
            vec![],
        ),
        (G::Dragging { ids, start, .. }, Input::Up { at, .. }) => {
            let offset = at.minus(*start);
            (
                G::Idle,
                vec![Effect::MoveBy {
                    ids: ids.clone(),
                    dx: offset.x,
                    dy: offset.y,
                }],
            )
        }
        (G::Connecting { from, .. }, Input::Move { at, .. }) => (
            G::Connecting {
                from: from.clone(),
                cursor: at,
            },
            vec![],
        ),
        (G::Connecting { from, .. }, Input::Up { over, .. }) => match over {
            Some(to) if to != *from => (
                G::Idle,
                vec![Effect::Connect {
                    from: from.clone(),
                    to,
                }],
            ),
            _ => (G::Idle, vec![]),
        },
        (
            G::Panning {
                start_screen,
                camera: start_camera,
            },
            Input::Move { screen, .. },
        ) => {
            let d = screen.minus(*start_screen);
            let moved = Camera {
                x: start_camera.x + d.x,
                y: start_camera.y + d.y,
                zoom: start_camera.zoom,
            };
            (
                G::Panning {
                    start_screen: *start_screen,
                    camera: *start_camera,
                },
                vec![Effect::SetCamera(moved)],
            )
        }
        (G::Panning { .. }, Input::Up { .. }) => (G::Idle, vec![]),
        (
            G::BoxSelecting {
                start, additive, ..
            },
            Input::Move { at, .. },
        ) => (
            G::BoxSelecting {
                start: *start,
                current: at,
                additive: *additive,
            },
            vec![],
        ),
        (
            G::BoxSelecting {
                start, additive, ..
            },
            Input::Up { at, .. },
        ) => {
            if at.far_from(*start, DRAG_THRESHOLD / camera.zoom) {
                (
                    G::Idle,
                    vec![Effect::SelectBox {
                        a: *start,
                        b: at,
                        additive: *additive,
                    }],
                )
            } else if *additive {
                (G::Idle, vec![])
            } else {
                (G::Idle, vec![Effect::ClearSelection])
            }
        }
        // Anything else (a second button pressed mid-gesture, a stray move) keeps the gesture.
        (gesture, _) => (gesture.clone(), vec![]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(inputs: Vec<Input>, selection: &[&str]) -> (Gesture, Vec<Effect>) {
        let selection: Vec<String> = selection.iter().map(|s| s.to_string()).collect();
        let mut gesture = Gesture::Idle;
        let mut all = vec![];
        for input in inputs {
            let (next, effects) = step(&gesture, input, &selection, Camera::default());
            gesture = next;
            all.extend(effects);
        }
        (gesture, all)
    }

    fn p(x: f64, y: f64) -> Pt {
        Pt::new(x, y)
    }

    #[test]
    fn gestures_produce_the_edits_a_user_expects() {
        let id = |s: &str| s.to_string();
        type Case<'a> = (&'a str, Vec<Input>, Vec<&'a str>, Vec<Effect>);
        let cases: Vec<Case> = vec![
            (
                "click selects",
                vec![
                    Input::DownOnNode {
                        id: id("a"),
                        at: p(0., 0.),
                        shift: false,
                    },
                    Input::Up {
                        at: p(1., 0.),
                        over: None,
                    },
                ],
                vec![],
                vec![
                    Effect::Select {
                        ids: vec![id("a")],
                        additive: false,
                    },
                    Effect::Select {
                        ids: vec![id("a")],
                        additive: false,
                    },
                ],
            ),
            (
                "drag moves the whole selection once, at the end",
                vec![
                    Input::DownOnNode {
                        id: id("a"),
                        at: p(10., 10.),
                        shift: false,
                    },
                    Input::Move {
                        at: p(30., 15.),
                        screen: p(30., 15.),
                    },
                    Input::Move {
                        at: p(50., 20.),
                        screen: p(50., 20.),
                    },
                    Input::Up {
                        at: p(50., 20.),
                        over: None,
                    },
                ],
                vec!["a", "b"],
                vec![Effect::MoveBy {
                    ids: vec![id("a"), id("b")],
                    dx: 40.,
                    dy: 10.,
                }],
            ),
            (
                "port to node connects",
                vec![
                    Input::DownOnPort {
                        id: id("a"),
                        at: p(0., 0.),
                    },
                    Input::Move {
                        at: p(100., 0.),
                        screen: p(100., 0.),
                    },
                    Input::Up {
                        at: p(100., 0.),
                        over: Some(id("b")),
                    },
                ],
                vec![],
                vec![Effect::Connect {
                    from: id("a"),
                    to: id("b"),
                }],
            ),
            (
                "port to itself or to nothing does nothing",
                vec![
                    Input::DownOnPort {
                        id: id("a"),
                        at: p(0., 0.),
                    },
                    Input::Up {
                        at: p(1., 0.),
                        over: Some(id("a")),
                    },
                ],
                vec![],
                vec![],
            ),
            (
                "box select",
                vec![
                    Input::DownOnEmpty {
                        at: p(0., 0.),
                        screen: p(0., 0.),
                        shift: false,
                        pan: false,
                    },
                    Input::Move {
                        at: p(50., 50.),
                        screen: p(50., 50.),
                    },
                    Input::Up {
                        at: p(100., 80.),
                        over: None,
                    },
                ],
                vec![],
                vec![Effect::SelectBox {
                    a: p(0., 0.),
                    b: p(100., 80.),
                    additive: false,
                }],
            ),
            (
                "click on empty clears",
                vec![
                    Input::DownOnEmpty {
                        at: p(0., 0.),
                        screen: p(0., 0.),
                        shift: false,
                        pan: false,
                    },
                    Input::Up {
                        at: p(1., 1.),
                        over: None,
                    },
                ],
                vec!["a"],
                vec![Effect::ClearSelection],
            ),
            (
                "pan moves the camera",
                vec![
                    Input::DownOnEmpty {
                        at: p(0., 0.),
                        screen: p(10., 10.),
                        shift: false,
                        pan: true,
                    },
                    Input::Move {
                        at: p(0., 0.),
                        screen: p(40., 30.),
                    },
                    Input::Up {
                        at: p(0., 0.),
                        over: None,
                    },
                ],
                vec![],
                vec![Effect::SetCamera(Camera {
                    x: 30.,
                    y: 20.,
                    zoom: 1.,
                })],
            ),
            (
                "escape cancels a drag without moving",
                vec![
                    Input::DownOnNode {
                        id: id("a"),
                        at: p(0., 0.),
                        shift: false,
                    },
                    Input::Move {
                        at: p(50., 0.),
                        screen: p(50., 0.),
                    },
                    Input::Cancel,
                    Input::Up {
                        at: p(60., 0.),
                        over: None,
                    },
                ],
                vec!["a"],
                vec![],
            ),
        ];
        for (name, inputs, selection, expected) in cases {
            let (end, effects) = run(inputs, &selection);
            assert_eq!(effects, expected, "{name}");
            assert_eq!(end, Gesture::Idle, "{name}");
        }
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let camera = Camera {
            x: 10.,
            y: 20.,
            zoom: 1.,
        };
        let screen = p(200., 100.);
        let zoomed = camera.zoomed_at(screen, 2.0);
        assert_eq!(camera.to_world(screen), zoomed.to_world(screen));
        assert_eq!(camera.zoomed_at(screen, 100.0).zoom, Camera::MAX_ZOOM);
    }

    #[test]
    fn fit_shows_the_whole_design_centred() {
        let camera = Camera::fit(p(0., 0.), p(1000., 400.), 1400., 700.);
        let top_left = Pt::new(camera.x, camera.y);
        let bottom_right = Pt::new(
            1000. * camera.zoom + camera.x,
            400. * camera.zoom + camera.y,
        );
        assert!(
            top_left.x >= 0.
                && bottom_right.x <= 1400.
                && top_left.y >= 0.
                && bottom_right.y <= 700.
        );
        assert!(
            (top_left.x - (1400. - bottom_right.x)).abs() < 1e-9,
            "centred horizontally"
        );
        // A small design is shown at 1:1, not blown up.
        assert_eq!(Camera::fit(p(0., 0.), p(100., 50.), 520., 440.).zoom, 1.0);
    }

    /// Issue 16: from stage 3 on, fitting shrank node text to about 6 px. A design too wide for
    /// the canvas stays readable and starts at its left edge.
    #[test]
    fn fit_never_shrinks_text_below_12_px() {
        let camera = Camera::fit(p(60., 0.), p(1500., 400.), 390., 300.);
        assert_eq!(camera.zoom, READABLE_ZOOM);
        assert!((MIN_FONT * camera.zoom - 12.0).abs() < 1e-12);
        assert_eq!(camera.x + 60. * camera.zoom, FIT_MARGIN);
    }

    /// A flat design gets a flat canvas; a tall one a taller canvas, within the bounds given.
    #[test]
    fn the_canvas_is_sized_to_its_design() {
        let flat = crate::stages::STAGES[0].design().expect("stage 1");
        let tall = crate::stages::STAGES[7].design().expect("stage 8");
        let h_flat = canvas_height(&flat, 1150., 200., 600.);
        let h_tall = canvas_height(&tall, 1150., 200., 600.);
        assert!(h_flat < h_tall, "{h_flat} < {h_tall}");
        assert!(
            h_tall <= 400.,
            "stage 8 fits the app's 400 px canvas at 1280x720: {h_tall}"
        );
        assert_eq!(canvas_height(&flat, 1150., 300., 600.), 300.);
    }

    #[test]
    fn snapping_rounds_to_the_grid() {
        assert_eq!(snap(29.0), 20.0);
        assert_eq!(snap(31.0), 40.0);
        assert_eq!(snap(-9.0), 0.0);
    }
}

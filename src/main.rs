//! ScaleLab's web app: a thin Yew shell over the simulation worker.

mod app;
mod canvas;
mod charts;
mod dashboard;
mod editor;
mod fields;
mod flow;
mod hints;
mod i18n;
mod inspector;
mod notes;
mod palette;
mod stages;
mod state;
mod storage;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

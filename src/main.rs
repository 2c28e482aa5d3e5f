//! ScaleLab's web app: a thin Yew shell over the simulation worker.

mod app;
mod canvas;
mod charts;
mod course;
mod dashboard;
mod editor;
mod fields;
mod hints;
mod i18n;
mod inspector;
mod limit;
mod notes;
mod palette;
mod stages;
mod state;
mod storage;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

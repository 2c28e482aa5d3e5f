//! ScaleLab's web app: a thin Yew shell over the simulation worker.

mod app;
mod canvas;
mod charts;
mod dashboard;
mod i18n;
mod inspector;
mod state;
mod storage;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

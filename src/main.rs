//! ScaleLab's web app: a thin Yew shell over the simulation worker.

mod app;
mod canvas;
mod charts;
mod i18n;
mod state;
mod storage;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

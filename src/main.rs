//! ScaleLab's web app: a thin Yew shell over the simulation worker.

mod app;
mod bundle;
mod canvas;
mod charts;
mod course;
mod csv;
mod dashboard;
mod editor;
mod embed;
mod events;
mod export;
mod fields;
mod files;
mod flow;
mod hints;
mod i18n;
mod inspector;
mod limit;
mod notes;
mod palette;
mod stages;
mod state;
mod storage;
mod theory;
mod watchdog;

fn main() {
    // One bundle for the page and its worker (see bundle.rs).
    if bundle::serve_as_worker() {
        return;
    }
    // One bundle, two pages: the embed shares the app's code and cache.
    if embed::is_embed_page() {
        yew::Renderer::<embed::Embed>::new().render();
    } else {
        yew::Renderer::<app::App>::new().render();
    }
}

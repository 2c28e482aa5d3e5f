//! ScaleLab's web app: a thin Yew shell over the simulation worker, built as two bundles.
//!
//! `src/main.rs` is the app (whose `?embed` page is the embed too); `src/bin/scalelab-embed.rs` is
//! the embed alone, for study notes: no editor, inspector, course or dialogs to download. Each
//! bundle is also its own simulation worker (see `bundle.rs`).

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

/// Starts the full app, or the embed when the page asks for it (`embed.html`, `?embed`), or the
/// simulation worker when there is no page.
pub fn start_app() {
    if bundle::serve_as_worker() {
        return;
    }
    if embed::is_embed_page() {
        yew::Renderer::<embed::Embed>::new().render();
    } else {
        yew::Renderer::<app::App>::new().render();
    }
}

/// Starts the embed alone, or the simulation worker when there is no page.
pub fn start_embed() {
    if bundle::serve_as_worker() {
        return;
    }
    yew::Renderer::<embed::Embed>::new().render();
}

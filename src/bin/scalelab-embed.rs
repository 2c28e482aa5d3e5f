//! The embed's bundle: the embed page alone (canvas, headline charts, run controls) and its
//! simulation worker, a fifth smaller than the app's; `scripts/sw-precache.sh` points
//! `embed.html` at it.

fn main() {
    scalelab_app::start_embed();
}

//! The app's bundle: the editor, the course and the embed page, and their simulation worker.

fn main() {
    scalelab_app::start_app();
}

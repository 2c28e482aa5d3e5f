//! The designs the product ships (`designs/*.json`: the stages, extras and challenges), for the
//! tests that read every one.

/// Each shipped design's file name and text, in file-name order.
pub fn designs() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../designs");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("designs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 11, "{paths:?}");
    paths
        .iter()
        .map(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("?");
            (name.to_string(), std::fs::read_to_string(p).expect("reads"))
        })
        .collect()
}

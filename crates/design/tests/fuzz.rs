//! Fuzzes a shared link's whole way in, as the app takes it: the text-size check,
//! `decode_fragment`, the browser's budget, then lowering. A seeded loop (no cargo-fuzz, the same
//! inputs on every run) mutates the stage designs' links at three depths: the link's characters,
//! the inflated JSON's bytes (re-checksummed), and the design's values. Nothing may panic; every
//! input lowers or is refused with a message. The corpus in `tests/corpus/` (inputs that once
//! failed or reach a distinct refusal) is replayed first on every run.
//!
//! `SCALELAB_FUZZ_ITERS=n` runs longer; `SCALELAB_FUZZ_SAVE=1` adds to the corpus the first input
//! of each outcome it does not yet hold. A panicking input is written to the target's temp dir
//! and named in the failure, to be added to the corpus with its fix.

mod shipped;

use base64::Engine as _;
use scalelab_design::budget::{self, Limits};
use scalelab_design::{decode_fragment, encode_fragment, lower, Design};
use scalelab_engine::SimDuration;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;
/// Inputs per run in CI: about ten seconds on the shared machine.
const DEFAULT_ITERS: u64 = 3_000;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// A link carrying `json` as it is (valid or not), checksummed as the app writes links.
fn link_of(json: &[u8]) -> String {
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(json, 6);
    format!("v1.c.{}", B64.encode(compressed))
}

/// What became of one input, coarse enough that the kinds are few: the corpus keeps one each.
fn outcome(fragment: &str) -> String {
    let limits = Limits::browser();
    if let Err(e) = budget::check_text(fragment.len(), &limits) {
        assert!(!e.to_string().is_empty());
        return "text-size".into();
    }
    let design = match decode_fragment(fragment) {
        Ok(d) => d,
        Err(e) => {
            assert!(!e.to_string().is_empty(), "an empty refusal: {e:?}");
            let kind = format!("{e:?}");
            return format!("decode-{}", variant(&kind));
        }
    };
    // A design a link carried goes back into a link as itself, or is refused by the encoder.
    if let Ok(again) = encode_fragment(&design) {
        assert_eq!(
            decode_fragment(&again).as_ref(),
            Ok(&design),
            "re-encoding changed the design"
        );
    }
    if let Err(e) = budget::check(&design, &limits) {
        assert!(!e.to_string().is_empty());
        let parameter = e.parameter.split_whitespace().next().unwrap_or_default();
        return format!("budget-{:?}-{parameter}", e.resource).to_lowercase();
    }
    match lower(&design, SimDuration::ZERO) {
        Ok(_) => "lowers".into(),
        Err(diags) => {
            assert!(!diags.is_empty(), "refused without a diagnostic");
            for d in &diags {
                assert!(!d.to_string().is_empty(), "an empty diagnostic: {d:?}");
            }
            format!("lower-{}", variant(&format!("{:?}", diags[0].problem)))
        }
    }
}

/// The variant name at the start of a Debug string, in lower case.
fn variant(debug: &str) -> String {
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_lowercase()
}

/// Runs one input; a panic fails the test naming a file that holds the input.
fn run_one(fragment: &str, label: &str) -> String {
    match std::panic::catch_unwind(|| outcome(fragment)) {
        Ok(kind) => kind,
        Err(_) => {
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
            std::fs::create_dir_all(&dir).expect("temp dir");
            let path = dir.join(format!("{label}.txt"));
            std::fs::write(&path, fragment).expect("writable");
            panic!(
                "{label} panicked; the input is in {} (add it to tests/corpus/ with the fix)",
                path.display()
            );
        }
    }
}

/// Xorshift64: a fixed stream, so every run tries the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const WEIRD_TEXT: [&str; 14] = [
    "-1",
    "0",
    "1e308",
    "-1e308",
    "18446744073709551615",
    "1e-320",
    "\"\"",
    "null",
    "true",
    "[]",
    "{}",
    "4294967296",
    "0.5",
    "\"users\"",
];

/// Changes a few characters of the link itself (what a damaged or edited URL looks like).
fn mutate_link(link: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = link.chars().collect();
    const ALPHABET: &[u8] = b"AZaz09-_.v1c+/=#%";
    for _ in 0..1 + rng.below(3) {
        let i = rng.below(chars.len());
        match rng.below(4) {
            0 => chars[i] = ALPHABET[rng.below(ALPHABET.len())] as char,
            1 => {
                chars.remove(i);
            }
            2 => chars.truncate(i.max(1)),
            _ => chars.insert(i, ALPHABET[rng.below(ALPHABET.len())] as char),
        }
    }
    chars.into_iter().collect()
}

/// Changes bytes of the JSON a link carries, then checksums it again (an edit made on purpose).
fn mutate_json_bytes(json: &str, rng: &mut Rng) -> String {
    let mut bytes = json.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let i = rng.below(bytes.len());
        match rng.below(5) {
            0 => bytes[i] = b"{}[]\",:-0123456789eE.ntf "[rng.below(25)],
            1 => {
                bytes.remove(i);
            }
            2 => {
                // Splice one of the weird values in at a value's start.
                let weird = WEIRD_TEXT[rng.below(WEIRD_TEXT.len())].as_bytes();
                let end = bytes[i..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']'))
                    .map_or(bytes.len(), |p| i + p);
                bytes.splice(i..end, weird.iter().copied());
            }
            3 => {
                // Repeat a stretch (duplicate keys, nodes, edges).
                let len = 1 + rng.below(200.min(bytes.len() - i));
                let copy = bytes[i..i + len].to_vec();
                bytes.splice(i..i, copy);
            }
            _ => bytes.truncate(i),
        }
    }
    link_of(&bytes)
}

/// Changes the design's values: numbers scaled to extremes, fields dropped or replaced, nodes
/// and edges duplicated or removed.
fn mutate_value(doc: &mut Value, rng: &mut Rng) {
    match doc {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let k = keys[rng.below(keys.len())].clone();
            match rng.below(6) {
                0 => {
                    map.remove(&k);
                }
                1 => {
                    let weird = WEIRD_TEXT[rng.below(WEIRD_TEXT.len())];
                    map.insert(k, serde_json::from_str(weird).expect("weird json"));
                }
                _ => {
                    if let Some(v) = map.get_mut(&k) {
                        mutate_value(v, rng);
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = rng.below(items.len());
            match rng.below(6) {
                0 => {
                    items.remove(i);
                }
                1 => {
                    // Many copies: the shapes the budget exists for (regions, nodes, faults).
                    let copies = [1, 10, 300, 3_000][rng.below(4)];
                    let item = items[i].clone();
                    items.extend(std::iter::repeat_n(item, copies));
                }
                _ => mutate_value(&mut items[i], rng),
            }
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            let scaled = match rng.below(6) {
                0 => x * 1e6,
                5 => (x * 1e3).min(4e9).round(),
                1 => -x,
                2 => x / 1e6,
                3 => x + 1.0,
                _ => 0.0,
            };
            *doc = serde_json::Number::from_f64(scaled).map_or(Value::Null, Value::Number);
        }
        other => {
            let weird = WEIRD_TEXT[rng.below(WEIRD_TEXT.len())];
            *other = serde_json::from_str(weird).expect("weird json");
        }
    }
}

fn corpus() -> Vec<(String, String)> {
    let mut entries: Vec<(String, String)> = std::fs::read_dir(corpus_dir())
        .expect("tests/corpus/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            let name = p.file_stem().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("readable"))
        })
        .collect();
    entries.sort();
    entries
}

#[test]
fn the_corpus_replays_without_a_panic_and_each_file_keeps_its_outcome() {
    let entries = corpus();
    assert!(entries.len() >= 10, "the corpus is missing");
    // A file is named `<outcome>--<what>`: its input must still end the same way, so a change of
    // behaviour (a refusal that starts to lower) is seen, not only a panic.
    let changed: Vec<String> = entries
        .iter()
        .filter_map(|(name, text)| {
            let kind = run_one(text.trim_end_matches('\n'), name);
            let expected = name.split("--").next().unwrap_or_default();
            (kind != expected).then(|| format!("{name}: now {kind}"))
        })
        .collect();
    assert!(changed.is_empty(), "{changed:#?}");
}

#[test]
fn mutated_links_never_panic_and_are_refused_with_a_message_or_lower() {
    let iters: u64 = std::env::var("SCALELAB_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_ITERS);
    let save = std::env::var_os("SCALELAB_FUZZ_SAVE").is_some();
    let seeds: Vec<(String, Value)> = shipped::designs()
        .into_iter()
        .map(|(_, text)| {
            let design = Design::from_json(&text).expect("a stage design parses");
            let json = design.to_json();
            let value: Value = serde_json::from_str(&json).expect("json");
            (json, value)
        })
        .collect();
    let known: Vec<String> = corpus()
        .into_iter()
        .map(|(name, _)| name.split("--").next().unwrap_or_default().to_string())
        .collect();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut rng = Rng(0x5CA1_AB1E_F022_2024);
    for i in 0..iters {
        let (json, value) = &seeds[rng.below(seeds.len())];
        let input = match rng.below(3) {
            0 => mutate_link(&link_of(json.as_bytes()), &mut rng),
            1 => mutate_json_bytes(json, &mut rng),
            _ => {
                let mut doc = value.clone();
                for _ in 0..1 + rng.below(3) {
                    mutate_value(&mut doc, &mut rng);
                }
                link_of(doc.to_string().as_bytes())
            }
        };
        let kind = run_one(&input, &format!("fuzz-{i}"));
        let count = seen.entry(kind.clone()).or_insert(0);
        *count += 1;
        if save && *count == 1 && !known.contains(&kind) {
            let path = corpus_dir().join(format!("{kind}--fuzz-{i}.txt"));
            std::fs::write(path, &input).expect("corpus writable");
        }
    }
    // The loop reaches every stage of the way in, not only the decoder's refusals.
    for stage in ["decode-checksum", "decode-document", "lowers"] {
        assert!(seen.contains_key(stage), "never reached {stage}: {seen:?}");
    }
    assert!(
        seen.keys().any(|k| k.starts_with("lower-")),
        "never refused by lowering: {seen:?}"
    );
    assert!(
        seen.keys().any(|k| k.starts_with("budget-")),
        "never refused by the budget: {seen:?}"
    );
}

//! Indents compact JSON text exactly as serde_json's pretty printer does.
//!
//! A design is written once, compactly (links, storage, the worker); its file form is that text
//! indented. Serialising it pretty instead would put a second copy of every `Serialize` impl of
//! the document into the browser's bundle.

/// `compact` as serde_json's `to_string_pretty` writes the same value: two spaces per level,
/// `": "` after keys, and empty objects and arrays kept as `{}` and `[]`. Expects the output of
/// serde_json's compact writer (no whitespace outside strings).
pub fn indent(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() + compact.len() / 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(close);
                    chars.next();
                } else {
                    depth += 1;
                    new_line(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                new_line(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                new_line(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

fn new_line(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::indent;
    use serde_json::{json, Value};

    #[test]
    fn indents_as_serde_json_does() {
        let cases = [
            json!({}),
            json!([]),
            json!({"a": {}, "b": [], "c": [1, 2.5, -3e-7, null, true], "d": {"e": "f"}}),
            json!([[[]], [{}], {"x": [{"y": []}]}]),
            // Every character the indenter treats specially, inside strings and keys.
            json!({"k{[,:]}\"\\": "v{[,:]}\"\\\n\t\u{1}é한", "": ""}),
            json!("only a string, {with: [brackets]}"),
            json!(42),
        ];
        for value in cases {
            let compact = serde_json::to_string(&value).unwrap();
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            assert_eq!(indent(&compact), pretty, "{compact}");
            assert_eq!(
                serde_json::from_str::<Value>(&indent(&compact)).unwrap(),
                value
            );
        }
    }
}

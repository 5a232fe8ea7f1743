//! The page: the diagrams as JSON inside the template (`page.html`, a static
//! asset with hand-written CSS, JS and SVG drawing; nothing is fetched).
//!
//! The JSON goes into a `<script type="application/json">` element, so every
//! `<`, `>` and `&` in it is written as a `\u00XX` escape: no text from a run
//! (a message containing `</script>`, say) can end the element early. The
//! script reads its data with `textContent` and writes text to the page only
//! as text nodes.

use super::diagram::Diagram;
use serde::Serialize;

const TEMPLATE: &str = include_str!("page.html");
const SLOT: &str = "@@DSIM_DATA@@";

/// Everything one page shows.
#[derive(Clone, Debug, Serialize)]
pub struct Page {
    /// `run` (one diagram) or `diff` (original and shrunk, side by side).
    pub kind: &'static str,
    /// The page title.
    pub title: String,
    /// The line under it.
    pub subtitle: String,
    /// The diagrams, left to right.
    pub runs: Vec<Diagram>,
    /// For a diff: rows of (what, original, shrunk).
    pub compare: Option<Vec<[String; 3]>>,
    /// Notes for the reader.
    pub notes: Vec<String>,
}

/// The page as one self-contained HTML document.
pub fn render(page: &Page) -> Result<String, String> {
    let json = serde_json::to_string(page).map_err(|e| format!("html: {e}"))?;
    let (head, tail) = TEMPLATE
        .split_once(SLOT)
        .ok_or("html: the page template has no data slot")?;
    let data = script_safe(&json);
    let mut out = String::with_capacity(head.len() + data.len() + tail.len());
    out.push_str(head);
    out.push_str(&data);
    out.push_str(tail);
    Ok(out)
}

/// JSON made safe inside a `<script>` element: `<`, `>`, `&` and the two
/// JavaScript line separators become `\u` escapes (valid wherever they can
/// occur in JSON, which is only inside strings).
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 32);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The data embedded in a page written by [`render`] (for tests and tools).
pub fn embedded_data(html: &str) -> Option<serde_json::Value> {
    let open = "<script id=\"dsim-data\" type=\"application/json\">";
    let start = html.find(open)? + open.len();
    let len = html[start..].find("</script>")?;
    serde_json::from_str(&html[start..start + len]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_a_run_cannot_end_the_data_script() {
        let evil = "</script><script>alert(1)</script><!-- & \u{2028}";
        let json = serde_json::to_string(&serde_json::json!({ "text": evil })).unwrap();
        let safe = script_safe(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["text"], evil);
    }

    #[test]
    fn the_template_has_one_data_slot_and_fetches_nothing() {
        assert_eq!(TEMPLATE.matches(SLOT).count(), 1);
        for remote in ["http:", "https:", "//cdn", "@import", "src=\"", "fetch("] {
            let hits: Vec<&str> = TEMPLATE
                .lines()
                .filter(|l| l.contains(remote) && !l.contains("www.w3.org/2000/svg"))
                .collect();
            assert!(hits.is_empty(), "{remote}: {hits:?}");
        }
    }
}

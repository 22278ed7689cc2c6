//! Prompting placeholders: a part of a reply the agent must fill in (an
//! order number, a product name). A canned reply renders each one as the
//! marker `[[label]]`; the composer walks them one after another, the linter
//! reports any left, and sending is refused while one remains.

use std::ops::Range;

/// One unfilled placeholder in a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// Byte range of the whole marker, brackets included.
    pub span: Range<usize>,
    /// What the agent is asked for, e.g. `order number`.
    pub label: String,
}

const OPEN: &str = "[[";
const CLOSE: &str = "]]";

/// The marker text for `label`.
pub fn marker(label: &str) -> String {
    format!("{OPEN}{}{CLOSE}", label.trim())
}

/// Every well-formed marker in `text`, in order. A label is non-empty,
/// single-line and at most 60 bytes, so a stray `[[` in ordinary text is
/// not mistaken for a placeholder.
pub fn find(text: &str) -> Vec<Placeholder> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find(OPEN).map(|i| from + i) {
        let inner = open + OPEN.len();
        let Some(close) = text[inner..].find(CLOSE).map(|i| inner + i) else {
            break;
        };
        let label = &text[inner..close];
        let label_ok =
            !label.trim().is_empty() && label.len() <= 60 && !label.contains(['\n', '[', ']']);
        if label_ok {
            let end = close + CLOSE.len();
            found.push(Placeholder {
                span: open..end,
                label: label.trim().to_string(),
            });
            from = end;
        } else {
            from = open + 1;
        }
    }
    found
}

/// Replaces the first marker for `label` with `value`.
pub fn fill(text: &str, label: &str, value: &str) -> String {
    match find(text).into_iter().find(|p| p.label == label) {
        Some(p) => format!("{}{value}{}", &text[..p.span.start], &text[p.span.end..]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_markers_in_order_with_spans() {
        let text = "Bonjour, votre commande [[numéro de commande]] pour [[produit]].";
        let found = find(text);
        let labels: Vec<_> = found.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["numéro de commande", "produit"]);
        assert_eq!(&text[found[1].span.clone()], "[[produit]]");
    }

    #[test]
    fn ignores_brackets_that_are_not_markers() {
        assert!(find("a [[ ]] b [[x\ny]] c [[unclosed").is_empty());
        assert_eq!(find("[[[a]]")[0].span, 1..6);
        assert_eq!(find("[[ok]] [[").len(), 1);
    }

    #[test]
    fn fill_replaces_only_the_named_marker() {
        let text = "n° [[order]] / [[product]]";
        assert_eq!(fill(text, "product", "lamp"), "n° [[order]] / lamp");
        assert_eq!(marker(" order "), "[[order]]");
    }
}

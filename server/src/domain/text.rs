//! Free text from clients, checked once at the edge of the domain. Control characters
//! (Unicode `Cc`) are refused: PostgreSQL cannot store NUL at all (SQLite would store it), and
//! escape sequences or DEL have no business in a name, a title or an email. Multi-line text
//! (descriptions, proposals, notes) keeps tab, line feed and carriage return.
use super::error::{DomainError, DomainResult};

/// Whether a field may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// Names, titles, emails, references, filters, passwords: no control character at all.
    Single,
    /// Descriptions, proposals, notes: tab, `\n` and `\r` allowed.
    Multi,
}

/// How much of a refused input an error message repeats: enough to recognise it, never so
/// much that a huge input comes back whole.
pub const QUOTE_CHARS: usize = 32;

/// Refuses control characters, naming `field` and the first offending character's position.
pub fn check_chars(value: &str, field: &str, lines: Lines) -> DomainResult<()> {
    let allowed = |c: char| lines == Lines::Multi && matches!(c, '\t' | '\n' | '\r');
    match value
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && !allowed(*c))
    {
        None => Ok(()),
        Some((at, c)) => Err(DomainError::bad_input(
            field,
            format!(
                "must not contain control characters (found U+{:04X} at character {})",
                u32::from(c),
                at + 1
            ),
        )),
    }
}

/// Trims a required one-line input, refuses control characters and bounds its length.
pub fn single_line(value: &str, field: &str, max_chars: usize) -> DomainResult<String> {
    required(value, field, max_chars, Lines::Single)
}

/// Trims a required multi-line input (tab and line breaks allowed inside), refuses other
/// control characters and bounds its length.
pub fn multi_line(value: &str, field: &str, max_chars: usize) -> DomainResult<String> {
    required(value, field, max_chars, Lines::Multi)
}

fn required(value: &str, field: &str, max_chars: usize, lines: Lines) -> DomainResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(DomainError::bad_input(field, "must not be empty"));
    }
    if trimmed.chars().count() > max_chars {
        return Err(DomainError::bad_input(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    check_chars(trimmed, field, lines)?;
    Ok(trimmed.to_string())
}

/// `value` for an error message: quoted and escaped like `{:?}`, cut after
/// [`QUOTE_CHARS`] characters with `…`.
pub fn quote(value: &str) -> String {
    let (head, cut) = head(value);
    format!("{head:?}{}", if cut { "…" } else { "" })
}

/// The start of an already readable text (such as a GraphQL value), cut like [`quote`].
pub fn shorten(value: &str) -> String {
    let (head, cut) = head(value);
    format!("{head}{}", if cut { "…" } else { "" })
}

fn head(value: &str) -> (String, bool) {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(QUOTE_CHARS).collect();
    (head, chars.next().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(err: DomainError) -> String {
        match err {
            DomainError::BadInput { field, .. } => field,
            other => panic!("expected BadInput, got {other:?}"),
        }
    }

    #[test]
    fn control_characters_are_refused_with_the_field_named() {
        for bad in [
            "a\0b",
            "a\u{1b}[31m",
            "del\u{7f}",
            "a\u{85}b",
            "tab\there",
            "two\nlines",
        ] {
            let err = single_line(bad, "input.title", 200).unwrap_err();
            assert_eq!(field_of(err), "input.title", "{bad:?}");
        }
        for bad in ["a\0b", "a\u{1b}b", "a\u{7f}", "a\u{9f}"] {
            let err = multi_line(bad, "input.description", 200).unwrap_err();
            assert_eq!(field_of(err), "input.description", "{bad:?}");
        }
    }

    #[test]
    fn multi_line_text_keeps_tabs_and_line_breaks() {
        assert_eq!(
            multi_line("  one\r\n\ttwo\n", "f", 100).unwrap(),
            "one\r\n\ttwo"
        );
        assert_eq!(
            single_line("  São Paulo 東京 ", "f", 100).unwrap(),
            "São Paulo 東京"
        );
    }

    #[test]
    fn quotes_are_short() {
        assert_eq!(quote("abc"), "\"abc\"");
        let long = quote(&"x".repeat(200_000));
        assert!(long.ends_with('…'));
        assert_eq!(long.chars().count(), QUOTE_CHARS + 3);
        assert_eq!(quote("a\0b"), "\"a\\0b\"");
        assert_eq!(
            shorten(&"[1, ".repeat(100)).chars().count(),
            QUOTE_CHARS + 1
        );
    }
}

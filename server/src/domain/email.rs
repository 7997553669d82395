//! Email addresses, normalised once so that roster matches and logins agree.
use super::error::{DomainError, DomainResult};
use super::text::{self, Lines};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Trims and lower-cases; requires one `@` with a non-empty local part and a dotted domain,
    /// and no control character. The error quotes only the start of what it refuses.
    pub fn parse(raw: &str, field: &str) -> DomainResult<Self> {
        text::check_chars(raw.trim(), field, Lines::Single)?;
        let email = raw.trim().to_lowercase();
        let bad = || {
            DomainError::bad_input(
                field,
                format!("{} is not an email address", text::quote(raw.trim())),
            )
        };
        if email.len() > 320 || email.chars().any(char::is_whitespace) {
            return Err(bad());
        }
        let (local, domain) = email.split_once('@').ok_or_else(bad)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@');
        if local.is_empty() || !domain_ok {
            return Err(bad());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse(" \t Hanako@Example.JP \r\n", "email")
                .unwrap()
                .as_str(),
            "hanako@example.jp"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for raw in [
            "",
            "a",
            "a@b",
            "@b.jp",
            "a@.jp",
            "a@b.jp.",
            "a b@c.jp",
            "a@b@c.jp",
            "a\0@b.jp",
            "a@b.jp\u{1b}",
            "a\t@b.jp",
        ] {
            assert!(Email::parse(raw, "email").is_err(), "{raw:?}");
        }
    }

    #[test]
    fn a_huge_bad_email_is_quoted_short() {
        let raw = "x".repeat(200_000);
        let message = Email::parse(&raw, "email").unwrap_err().to_string();
        assert!(message.len() < 100, "{message}");
    }
}

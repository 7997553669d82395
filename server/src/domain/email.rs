//! Email addresses, normalised once so that roster matches and logins agree.
use super::error::{DomainError, DomainResult};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Trims and lower-cases; requires one `@` with a non-empty local part and a dotted domain.
    pub fn parse(raw: &str, field: &str) -> DomainResult<Self> {
        let email = raw.trim().to_lowercase();
        let bad =
            || DomainError::bad_input(field, format!("{:?} is not an email address", raw.trim()));
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
            Email::parse("  Hanako@Example.JP ", "email")
                .unwrap()
                .as_str(),
            "hanako@example.jp"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for raw in [
            "", "a", "a@b", "@b.jp", "a@.jp", "a@b.jp.", "a b@c.jp", "a@b@c.jp",
        ] {
            assert!(Email::parse(raw, "email").is_err(), "{raw:?}");
        }
    }
}

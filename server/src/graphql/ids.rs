//! Opaque ids: `base64url("Type:id")`, so clients never build or compare raw keys.
//! An id that does not decode to the expected type is simply not found.
use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::domain::error::{DomainError, DomainResult};

pub fn encode(type_name: &str, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}")))
}

/// The type name and key of any id.
pub fn decode_any(id: &str) -> Option<(String, i64)> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (type_name, key) = text.split_once(':')?;
    Some((type_name.to_string(), key.parse().ok()?))
}

pub fn decode(id: &ID, type_name: &'static str, what: &'static str) -> DomainResult<i64> {
    match decode_any(id) {
        Some((t, key)) if t == type_name => Ok(key),
        _ => Err(DomainError::NotFound(what)),
    }
}

pub fn cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(id.to_string())
}

pub fn decode_cursor(cursor: Option<&str>) -> DomainResult<Option<i64>> {
    cursor
        .map(|c| {
            URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| DomainError::bad_input("after", "not a cursor from this API"))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_check_their_type() {
        let id = encode("Project", 42);
        assert_eq!(decode(&id, "Project", "project").unwrap(), 42);
        assert!(decode(&id, "Bid", "bid").is_err());
        assert!(decode(&ID("garbage!".into()), "Bid", "bid").is_err());
        assert_eq!(decode_cursor(Some(&cursor(7))).unwrap(), Some(7));
    }
}

//! Reading the API's JSON answers and writing URLs: what every area's pages need the same way.
use serde::Deserialize;
use serde_json::Value;

/// A string field of an API object ("" when absent or null).
pub fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

/// The nodes of a connection (empty when absent).
pub fn nodes(value: &Value) -> Vec<Value> {
    value["nodes"].as_array().cloned().unwrap_or_default()
}

/// Percent-encodes a value for a URL's query (RFC 3986 unreserved characters kept).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `?done=…`: which action a page was redirected from, to show its notice once.
#[derive(Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reading_and_encoding() {
        assert_eq!(text(&json!("a")), "a");
        assert_eq!(text(&Value::Null), "");
        assert_eq!(nodes(&json!({"nodes": [1, 2]})).len(), 2);
        assert!(nodes(&Value::Null).is_empty());
        assert_eq!(encode("/a b?c=d&e"), "%2Fa%20b%3Fc%3Dd%26e");
        assert_eq!(encode("愛"), "%E6%84%9B");
        assert_eq!(encode("Az09-_.~"), "Az09-_.~");
    }
}

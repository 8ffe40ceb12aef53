//! Idempotent reports: a phone on a bad connection sends `POST /api/v1/pins` again when the answer is lost;
//! with the same `Idempotency-Key` (the web form sends a fresh one per report) the retry is answered with the
//! pin the first request created, and nothing is written twice.
//!
//! The key is stored with the pin in the same transaction, so the answer survives a crash or a restart
//! between the commit and the lost response. A key is remembered for [`WINDOW`]; the same key with a
//! different body within it is refused (422), since the client is confused about what it sent.

use chrono::Duration;
use serde_json::Value;

use super::FieldError;

/// The header's name.
pub const HEADER: &str = "Idempotency-Key";
/// How long a key is remembered.
pub const WINDOW: Duration = Duration::hours(24);
const MAX_KEY_BYTES: usize = 255;

/// The key a report was sent with and what its body was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    pub key: String,
    /// A keyed hash (HMAC-SHA256, [`crate::contact_key::ContactKey::fingerprint`]) of the body's canonical
    /// JSON ([`canonical`]): the body holds the reporter's contact, and everything else in it is public, so
    /// a plain hash in the store would let anyone holding the file guess a phone number offline.
    pub fingerprint: [u8; 32],
}

/// The body as JSON with every object's keys in sorted order and no insignificant whitespace, so a retry
/// that formats the same report differently is still the same report.
pub fn canonical(body: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_canonical(body, &mut out);
    out
}

/// JSON with every object's keys in sorted order, whatever order the parser kept them in.
fn write_canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend(Value::String(k.clone()).to_string().as_bytes());
                out.push(b':');
                write_canonical(&map[k], out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        scalar => out.extend(scalar.to_string().as_bytes()),
    }
}

/// Checks an `Idempotency-Key` header value: 1 to 255 visible ASCII characters (a UUID is typical).
///
/// # Errors
/// The header named, with why it is refused.
pub fn parse_key(raw: &[u8]) -> Result<String, FieldError> {
    let ok = !raw.is_empty() && raw.len() <= MAX_KEY_BYTES && raw.iter().all(|b| (0x21..=0x7e).contains(b));
    if ok {
        Ok(String::from_utf8_lossy(raw).into_owned())
    } else {
        Err(FieldError::parameter(
            HEADER,
            format!("must be 1 to {MAX_KEY_BYTES} visible ASCII characters (for example a UUID)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_short_visible_ascii() {
        assert_eq!(
            parse_key(b"5f0c6f0e-8d3a-4b4e-9a51-2b7d1c0e9f11").ok().as_deref(),
            Some("5f0c6f0e-8d3a-4b4e-9a51-2b7d1c0e9f11")
        );
        for bad in [&b""[..], b"has space", b"tab\t", "ключ".as_bytes(), &[b'a'; 256]] {
            assert!(parse_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_canonical_form_ignores_formatting_not_content() {
        let a: Value = serde_json::from_str(r#"{"type":"Feature","properties":{"a":1,"b":2}}"#).unwrap_or_default();
        let b: Value = serde_json::from_str("{ \"properties\": {\"b\": 2, \"a\": 1},\n \"type\": \"Feature\" }")
            .unwrap_or_default();
        assert_eq!(canonical(&a), canonical(&b));
        assert_eq!(canonical(&a), br#"{"properties":{"a":1,"b":2},"type":"Feature"}"#.to_vec());
        assert_ne!(canonical(&a), canonical(&json!({"type": "Feature"})));
    }
}

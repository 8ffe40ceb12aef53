//! JSON bodies parsed strictly: an object that names a key twice is refused.
//!
//! serde_json keeps the last of two equal keys, other parsers the first; a body like
//! `{"geometry": A, "geometry": B}` then means one thing to a proxy or a validator in front of qala and
//! another to qala (a parser differential). RFC 8259 leaves the meaning open, so qala refuses the body (400)
//! rather than guess. Depth stays bounded by serde_json's recursion limit (128).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses `bytes` as one JSON value, refusing duplicate object keys.
///
/// # Errors
/// serde_json's error (with line and column) for malformed JSON or a repeated key.
pub fn from_slice(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    serde_json::from_slice::<Strict>(bytes).map(|s| s.0)
}

struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v).map(Value::Number).ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!("the key {key:?} appears twice in one object")));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_repeated_key_at_any_depth() {
        let err = from_slice(br#"{"geometry": 1, "geometry": 2}"#).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("\"geometry\" appears twice"), "{err}");
        assert!(from_slice(br#"{"a": [{"b": 1, "b": 1}]}"#).is_err());
        assert!(from_slice(br#"{"a": {"b": 1}, "c": {"b": 1}}"#).is_ok(), "equal keys in different objects");
    }

    #[test]
    fn parses_what_serde_json_parses() {
        let text = br#"{"n": null, "t": true, "i": -3, "u": 18446744073709551615, "f": 76.123456789012345, "s": "\u00e9", "a": []}"#;
        assert_eq!(from_slice(text).ok(), serde_json::from_slice::<Value>(text).ok());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(from_slice(deep.as_bytes()).is_err());
    }

    #[test]
    fn coordinates_come_back_bit_for_bit() {
        // float_roundtrip: without it about 5% of these (full-precision latitudes, written shortest, as
        // JavaScript and ryu write them) and 12% of the 15-digit ones landed one ulp away.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let lat = 43.0 + (x >> 11) as f64 / (1u64 << 53) as f64 * 0.5;
            for text in [ryu::Buffer::new().format(lat).to_owned(), format!("{lat:.15}")] {
                let exact = text.parse::<f64>().map(f64::to_bits).ok();
                let back = from_slice(format!("[{text}]").as_bytes()).ok().and_then(|v| v[0].as_f64());
                assert_eq!(back.map(f64::to_bits), exact, "{text}");
            }
        }
    }
}

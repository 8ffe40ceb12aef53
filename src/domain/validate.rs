//! Turns a submitted GeoJSON Feature into a [`NewPin`], collecting every problem instead of stopping at the
//! first, so a client can fix all fields in one round trip. Pure: the service-area check lives in
//! [`crate::spatial`], since it needs the city's outline.

use serde_json::{Map, Value};

use super::text::check_text;
use super::{Category, Contact, FieldError, LocationPrecision, NewPin, Visibility};

/// Longest description accepted, in Unicode scalar values after trimming.
pub const DESCRIPTION_MAX_CHARS: usize = 2000;
const CONTACT_MAX_CHARS: usize = 254;
const PROPERTIES: [&str; 4] = ["category", "description", "contact", "location_precision"];

/// Validates a `POST /api/v1/pins` body: the new pin (its contact not yet sealed, so `None` in it) and the
/// reporter's contact, if any, for the caller to seal.
///
/// # Errors
/// Every invalid field, each named by JSON pointer.
pub fn parse_new_pin(body: &Value) -> Result<(NewPin, Option<Contact>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(feature) = body.as_object() else {
        return Err(vec![FieldError::pointer("", "the body must be a GeoJSON Feature object")]);
    };
    if feature.get("type").and_then(Value::as_str) != Some("Feature") {
        errors.push(FieldError::pointer("/type", "must be \"Feature\""));
    }
    let point = parse_point(feature.get("geometry"), &mut errors);
    let (category, description, contact, precision) = match feature.get("properties") {
        Some(Value::Object(props)) => parse_properties(props, &mut errors),
        _ => {
            errors.push(FieldError::pointer("/properties", "must be an object with category and description"));
            (None, None, None, LocationPrecision::Point)
        }
    };
    match (point, category, description, errors.is_empty()) {
        (Some((lon, lat)), Some(category), Some(description), true) => Ok((
            NewPin {
                lon,
                lat,
                precision,
                category,
                description,
                contact: None,
                visibility: Visibility::Public,
                idempotency: None,
            },
            contact,
        )),
        _ => Err(errors),
    }
}

fn parse_point(geometry: Option<&Value>, errors: &mut Vec<FieldError>) -> Option<(f64, f64)> {
    let Some(Value::Object(g)) = geometry else {
        errors.push(FieldError::pointer("/geometry", "must be a GeoJSON Point geometry object"));
        return None;
    };
    if g.get("type").and_then(Value::as_str) != Some("Point") {
        errors.push(FieldError::pointer("/geometry/type", "must be \"Point\": a pin is one point"));
        return None;
    }
    let Some(coords) = g.get("coordinates").and_then(Value::as_array) else {
        errors.push(FieldError::pointer("/geometry/coordinates", "must be an array [longitude, latitude]"));
        return None;
    };
    if coords.len() != 2 {
        errors.push(FieldError::pointer(
            "/geometry/coordinates",
            format!("must hold exactly two numbers [longitude, latitude] (no altitude); got {}", coords.len()),
        ));
        return None;
    }
    let lon = coordinate(&coords[0], "/geometry/coordinates/0", "longitude", 180.0, errors);
    let lat = coordinate(&coords[1], "/geometry/coordinates/1", "latitude", 90.0, errors);
    Some((lon?, lat?))
}

fn coordinate(v: &Value, pointer: &str, name: &str, limit: f64, errors: &mut Vec<FieldError>) -> Option<f64> {
    let Some(x) = v.as_f64() else {
        errors.push(FieldError::pointer(pointer, format!("{name} must be a number")));
        return None;
    };
    if !x.is_finite() || x.abs() > limit {
        errors.push(FieldError::pointer(pointer, format!("{name} {x} is outside -{limit}..{limit}")));
        return None;
    }
    Some(x)
}

type Properties = (Option<Category>, Option<String>, Option<Contact>, LocationPrecision);

fn parse_properties(props: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Properties {
    for key in props.keys().filter(|k| !PROPERTIES.contains(&k.as_str())) {
        errors.push(FieldError::pointer(
            format!("/properties/{}", escape_pointer(key)),
            format!("unknown property; a report has {}", PROPERTIES.join(", ")),
        ));
    }
    let category = match props.get("category") {
        Some(Value::String(s)) => {
            s.parse::<Category>().map_err(|e| errors.push(FieldError::pointer("/properties/category", e.0))).ok()
        }
        _ => {
            errors
                .push(FieldError::pointer("/properties/category", format!("is required: one of {}", Category::list())));
            None
        }
    };
    let description = match props.get("description") {
        Some(Value::String(s)) => {
            check_description(s).map_err(|e| errors.push(FieldError::pointer("/properties/description", e))).ok()
        }
        _ => {
            errors.push(FieldError::pointer("/properties/description", "is required: a text of 1 to 2000 characters"));
            None
        }
    };
    let contact = match props.get("contact") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => {
            check_contact(s).map_err(|e| errors.push(FieldError::pointer("/properties/contact", e))).ok()
        }
        Some(_) => {
            errors.push(FieldError::pointer("/properties/contact", "must be a string (an e-mail address or phone)"));
            None
        }
    };
    let precision = match props.get("location_precision") {
        None | Some(Value::Null) => LocationPrecision::Point,
        Some(Value::String(s)) => s
            .parse::<LocationPrecision>()
            .map_err(|e| errors.push(FieldError::pointer("/properties/location_precision", e.0)))
            .unwrap_or_default(),
        Some(_) => {
            errors.push(FieldError::pointer(
                "/properties/location_precision",
                format!("must be a string: one of {}", LocationPrecision::list()),
            ));
            LocationPrecision::Point
        }
    };
    (category, description, contact, precision)
}

pub(super) fn check_description(raw: &str) -> Result<String, String> {
    check_text(raw, DESCRIPTION_MAX_CHARS)
}

fn check_contact(raw: &str) -> Result<Contact, String> {
    let s = check_text(raw, CONTACT_MAX_CHARS)?;
    let s = s.as_str();
    if is_email(s) || is_phone(s) {
        Ok(Contact::new_unchecked(s.to_owned()))
    } else {
        Err("must be an e-mail address (name@example.kz) or a phone number (+7 701 234 56 78)".into())
    }
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else { return false };
    !local.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
}

fn is_phone(s: &str) -> bool {
    let allowed = s.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let plus_ok = s.rfind('+').is_none_or(|i| i == 0);
    allowed && plus_ok && (7..=15).contains(&digits)
}

/// RFC 6901 escaping of one reference token.
fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn feature(coords: Value, props: Value) -> Value {
        json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": coords}, "properties": props})
    }

    fn pointers(v: &Value) -> Vec<String> {
        match parse_new_pin(v) {
            Ok(_) => vec![],
            Err(e) => e
                .into_iter()
                .map(|e| match e.location {
                    super::super::Location::Pointer(p) => p,
                    super::super::Location::Parameter(p) => p,
                })
                .collect(),
        }
    }

    #[test]
    fn accepts_a_good_report_and_trims() {
        let v = feature(json!([76.95, 43.24]), json!({"category": "wheelchair", "description": "  no ramp  "}));
        let pin = parse_new_pin(&v).ok().map(|(p, _)| p);
        assert_eq!(pin.as_ref().map(|p| p.description.as_str()), Some("no ramp"));
        assert_eq!(pin.map(|p| p.category), Some(Category::Wheelchair));
    }

    #[test]
    fn names_every_bad_field() {
        let v = feature(json!(["x", 91]), json!({"category": "car", "description": " ", "colour": 1}));
        let mut p = pointers(&v);
        p.sort();
        assert_eq!(
            p,
            [
                "/geometry/coordinates/0",
                "/geometry/coordinates/1",
                "/properties/category",
                "/properties/colour",
                "/properties/description"
            ]
        );
    }

    #[test]
    fn rejects_shapes_that_are_not_a_2d_point() {
        let props = json!({"category": "pram", "description": "d"});
        assert_eq!(pointers(&feature(json!([76.9, 43.2, 800.0]), props.clone())), ["/geometry/coordinates"]);
        let line = json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]},
            "properties": props});
        assert_eq!(pointers(&line), ["/geometry/type"]);
        assert_eq!(
            pointers(&json!({"type": "FeatureCollection", "features": []})),
            ["/type", "/geometry", "/properties"]
        );
        assert_eq!(pointers(&json!([1, 2])), [""]);
    }

    #[test]
    fn location_precision_defaults_to_point_and_names_bad_values() {
        let props = |extra: Value| {
            let mut p = json!({"category": "pram", "description": "d"});
            if let (Some(p), Some(extra)) = (p.as_object_mut(), extra.as_object()) {
                p.extend(extra.clone());
            }
            feature(json!([76.9, 43.2]), p)
        };
        let precision = |v: &Value| parse_new_pin(v).ok().map(|(p, _)| p.precision);
        assert_eq!(precision(&props(json!({}))), Some(LocationPrecision::Point));
        assert_eq!(precision(&props(json!({"location_precision": "district"}))), Some(LocationPrecision::District));
        assert_eq!(precision(&props(json!({"location_precision": null}))), Some(LocationPrecision::Point));
        assert_eq!(pointers(&props(json!({"location_precision": "street"}))), ["/properties/location_precision"]);
        assert_eq!(pointers(&props(json!({"location_precision": 1}))), ["/properties/location_precision"]);
    }

    #[test]
    fn description_limits_count_characters_not_bytes() {
        let ok = "ә".repeat(DESCRIPTION_MAX_CHARS);
        assert!(check_description(&ok).is_ok());
        assert!(check_description(&format!("{ok}ә")).is_err());
        assert!(check_description("a\u{0}b").is_err());
        assert!(check_description("line\nline").is_ok());
    }

    #[test]
    fn contacts() {
        for good in ["a@b.kz", "+7 701 234 56 78", "8(727)2500000"] {
            assert!(check_contact(good).is_ok(), "{good}");
        }
        for bad in ["nobody", "a@b", "@b.kz", "12", "+7 7+01 234", "a b@c.kz"] {
            assert!(check_contact(bad).is_err(), "{bad}");
        }
        assert_eq!(format!("{:?}", Contact::new_unchecked("secret@x.kz".into())), "Contact(<redacted>)");
    }
}

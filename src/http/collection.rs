//! The one writer of GeoJSON FeatureCollections, from features already rendered as text (the feature
//! cache's, or the map's lean ones written in place) or as values (areas, rendered per request). Listings,
//! the map's table, the map's pins, the area routes, area imports and OGC API items (pins and areas) all
//! answer through it, so the envelope is written one way: members in the order they are added, then
//! `numberReturned` and `features`, then `links`.
//!
//! Why text and not `serde_json::Value`: the features are already JSON text (rendered once, cached), and a
//! page of 10,000 or a map of 100,000 pins would otherwise be parsed back into values only to be written
//! out again. Values are written as `serde_json` prints them, so an answer reads the same either way.

use std::fmt::Write as _;

use serde_json::Value;

/// A FeatureCollection being written.
pub struct FeatureCollection {
    body: String,
}

impl FeatureCollection {
    /// A collection whose features take about `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        let mut body = String::with_capacity(capacity + 256);
        body.push_str(r#"{"type":"FeatureCollection""#);
        Self { body }
    }

    /// `,"name":value`: a foreign member such as `timeStamp`, `numberMatched` or `offset`.
    #[must_use]
    pub fn member(mut self, name: &str, value: &Value) -> Self {
        // Writing to a String cannot fail.
        let _ = write!(self.body, ",{}:{value}", Value::from(name));
        self
    }

    /// `numberReturned` and the `features`, each already GeoJSON text.
    #[must_use]
    pub fn features<T: AsRef<str>>(self, features: &[T]) -> Self {
        self.features_written(features.len(), |body, i| body.push_str(features[i].as_ref()))
    }

    /// `numberReturned` and the `features`, each a GeoJSON value.
    #[must_use]
    pub fn feature_values(self, features: &[Value]) -> Self {
        self.features_written(features.len(), |body, i| {
            let _ = write!(body, "{}", features[i]);
        })
    }

    /// `numberReturned` and `count` features, the `i`-th written into the body by `write(body, i)`.
    #[must_use]
    pub fn features_written(mut self, count: usize, mut write: impl FnMut(&mut String, usize)) -> Self {
        let _ = write!(self.body, r#","numberReturned":{count},"features":["#);
        for i in 0..count {
            if i > 0 {
                self.body.push(',');
            }
            write(&mut self.body, i);
        }
        self.body.push(']');
        self
    }

    /// `links`.
    #[must_use]
    pub fn links(self, links: Vec<Value>) -> Self {
        self.member("links", &Value::Array(links))
    }

    /// The document's text.
    pub fn finish(mut self) -> String {
        self.body.push('}');
        self.body
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn writes_the_members_in_order() {
        let features = [r#"{"type":"Feature","id":1}"#, r#"{"type":"Feature","id":2}"#];
        let text = FeatureCollection::with_capacity(64)
            .member("numberMatched", &json!(7))
            .features(&features)
            .links(vec![json!({"rel": "next"})])
            .finish();
        assert_eq!(
            text,
            r#"{"type":"FeatureCollection","numberMatched":7,"numberReturned":2,"features":[{"type":"Feature","id":1},{"type":"Feature","id":2}],"links":[{"rel":"next"}]}"#
        );
        let parsed: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(parsed["features"][1]["id"], 2);
        let empty = FeatureCollection::with_capacity(0).features::<&str>(&[]).finish();
        assert_eq!(empty, r#"{"type":"FeatureCollection","numberReturned":0,"features":[]}"#);
    }

    #[test]
    fn values_read_as_the_json_they_were_written_from() {
        let features = vec![json!({"type": "Feature", "id": 1, "properties": {"b": 1, "a": [1.5, null]}})];
        let text =
            FeatureCollection::with_capacity(0).member("version", &json!({"id": 3})).feature_values(&features).finish();
        let by_json =
            json!({"type": "FeatureCollection", "version": {"id": 3}, "numberReturned": 1, "features": features});
        assert_eq!(text, by_json.to_string());
    }
}

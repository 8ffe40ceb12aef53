//! The words of OGC API – Features in one place: conformance classes, link relations, media types and the
//! parameter names the items requests take. Handlers name these constants instead of spelling URIs.

/// Conformance classes qala implements (OGC 17-069r4 Part 1, 18-058r1 Part 2, 19-079r2 Part 3, and the
/// CQL2 classes of OGC 21-065r2 its filter language covers).
pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
];

pub mod rel {
    pub const SELF: &str = "self";
    pub const ALTERNATE: &str = "alternate";
    pub const SERVICE_DESC: &str = "service-desc";
    pub const SERVICE_DOC: &str = "service-doc";
    pub const CONFORMANCE: &str = "conformance";
    pub const DATA: &str = "data";
    pub const ITEMS: &str = "items";
    pub const COLLECTION: &str = "collection";
    pub const NEXT: &str = "next";
    pub const PREV: &str = "prev";
    pub const QUERYABLES: &str = "http://www.opengis.net/def/rel/ogc/1.0/queryables";
}

pub mod media {
    pub const JSON: &str = "application/json";
    pub const GEOJSON: &str = "application/geo+json";
    pub const HTML: &str = "text/html";
    pub const OPENAPI_JSON: &str = "application/vnd.oai.openapi+json;version=3.0";
    pub const SCHEMA_JSON: &str = "application/schema+json";
}

/// Where the OGC API lives.
pub const ROOT: &str = "/ogc";

//! `GET /api/v1/openapi.json` held to the code and to the server, so that it cannot drift: the document
//! validates as OpenAPI 3.1 (`openapi-spec-validator`); its operations are exactly the `/api/v1` routes the
//! routers under `src/http` declare (read from their source); and every GET operation answers in a media type
//! and a body its 200 documents, answers each documented query parameter (each value of an enum) without a
//! 400, and an undocumented one with a 400 naming it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::support::staff::{add_staff, bearer};
use crate::support::{REPUBLIC_SQUARE, Server, StoreKind, TestStore, report};

const MEDIA_TYPE: &str = "application/vnd.oai.openapi+json;version=3.1";
const METHODS: [&str; 8] = ["get", "post", "put", "delete", "patch", "head", "options", "trace"];

#[tokio::test]
async fn the_document_validates_matches_the_routers_and_every_get_answers() {
    let store = TestStore::new(StoreKind::Gpkg).await;
    let admin = add_staff(&store, "openapi-admin", "admin").await;
    let server = Server::start(&store).await;
    let r = server.get("/api/v1/openapi.json").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], MEDIA_TYPE);
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    assert_eq!(doc["servers"][0]["url"], server.base.as_str());
    validate(&doc);
    let (code, documented) = (code_routes(), doc_routes(&doc));
    let undocumented: Vec<_> = code.difference(&documented).collect();
    let not_served: Vec<_> = documented.difference(&code).collect();
    assert!(
        undocumented.is_empty() && not_served.is_empty(),
        "undocumented: {undocumented:?}; not served: {not_served:?}"
    );
    assert!(code.len() > 20, "only {} routes found in src/http: {code:?}", code.len());
    every_get_answers(&server, &doc, &admin).await;
}

/// `openapi-spec-validator` (3.1: JSON Schema 2020-12) must accept the document.
fn validate(doc: &Value) {
    std::fs::write(doc_path(), doc.to_string()).unwrap();
    python("openapi-spec-validator", &["-m", "openapi_spec_validator", doc_path().to_str().unwrap()]);
}

fn doc_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-v1-openapi.json")
}

/// Runs `$QALA_TEST_PYTHON` (the venv with openapi-spec-validator and jsonschema) with `args`: it must succeed.
fn python(what: &str, args: &[&str]) {
    let python = std::env::var("QALA_TEST_PYTHON")
        .expect("QALA_TEST_PYTHON is not set; ./scripts/test provisions the venv with openapi-spec-validator");
    let out = std::process::Command::new(&python).args(args).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{what}:\n{stdout}{stderr}");
}

/// Every (path, method) of the document, a path by the route it documents (`x-axum-route`, else itself).
fn doc_routes(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let route = item["x-axum-route"].as_str().unwrap_or(path);
        for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
            out.insert((route.to_owned(), (*method).to_owned()));
        }
    }
    out
}

/// Every `.route(PATH, get(a).post(b)…)` under `src/http` whose path starts with `/api/v1`, as (path,
/// method); a path given by a constant is looked up among the files' `const NAME: &str = "…";`.
fn code_routes() -> BTreeSet<(String, String)> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http"), &mut files);
    let sources: Vec<String> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
        })
        .collect();
    let mut consts = BTreeMap::new();
    for source in &sources {
        for line in source.lines() {
            let line = line.trim().trim_start_matches("pub ").trim_start_matches("pub(super) ");
            if let Some((name, rest)) = line.strip_prefix("const ").and_then(|l| l.split_once(": &str = \"")) {
                consts.insert(name.to_owned(), rest.trim_end_matches("\";").to_owned());
            }
        }
    }
    let mut out = BTreeSet::new();
    for source in &sources {
        for (at, _) in source.match_indices(".route(") {
            let args = balanced(&source[at + ".route(".len()..]);
            let (path, handlers) = args.split_once(',').unwrap_or_else(|| panic!("a route without handlers: {args}"));
            let path = path.trim();
            let path = match path.strip_prefix('"') {
                Some(literal) => literal.trim_end_matches('"').to_owned(),
                None => consts.get(path).unwrap_or_else(|| panic!("route path {path}: no such constant")).clone(),
            };
            if !path.starts_with("/api/v1") {
                continue;
            }
            let methods = top_level_calls(handlers);
            assert!(!methods.is_empty(), "no method in the route {path}: {handlers}");
            out.extend(methods.into_iter().map(|m| (path.clone(), m)));
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text up to the parenthesis that closes the one just opened (strings skipped).
fn balanced(text: &str) -> &str {
    let (mut depth, mut in_string, mut escaped) = (0_i32, false, false);
    for (i, c) in text.char_indices() {
        match (in_string, c) {
            (true, '\\') if !escaped => escaped = true,
            (true, '"') if !escaped => in_string = false,
            (true, _) => escaped = false,
            (false, '"') => in_string = true,
            (false, '(') => depth += 1,
            (false, ')') if depth == 0 => return &text[..i],
            (false, ')') => depth -= 1,
            _ => {}
        }
    }
    panic!("unbalanced .route(: {text}")
}

/// The HTTP methods among the calls at the top level of `get(a).post(b).layer(…)`: get, post.
fn top_level_calls(text: &str) -> Vec<String> {
    let (mut depth, mut name, mut out) = (0_i32, String::new(), Vec::new());
    for c in text.chars() {
        match c {
            '(' => {
                if depth == 0 && METHODS.contains(&name.as_str()) {
                    out.push(name.clone());
                }
                depth += 1;
                name.clear();
            }
            ')' => depth -= 1,
            c if c.is_alphanumeric() || c == '_' => name.push(c),
            _ => name.clear(),
        }
    }
    out
}

/// A valid value for each query parameter the document may name, and what it needs beside it.
fn example(name: &str, district: i64, centre: i64, schema: &Value) -> (String, &'static str) {
    let near = "&near=76.9458,43.238";
    match name {
        "bbox" => ("76.8,43.1,77.1,43.4".into(), ""),
        "category" => ("pram,wheelchair".into(), ""),
        "status" => ("new,confirmed".into(), ""),
        "location_precision" => ("point,district".into(), ""),
        "datetime" => ("2024-01-01T00:00:00Z/..".into(), ""),
        "within" | "area" => (district.to_string(), ""),
        "near" => ("76.9458,43.238".into(), "&radius_m=500"),
        "radius_m" => ("500".into(), near),
        "k" => ("5".into(), near),
        // The largest page the document promises.
        "limit" => (schema["maximum"].as_u64().unwrap().to_string(), ""),
        "cursor" | "offset" => ("0".into(), ""),
        "visibility" => ("public".into(), ""),
        "sortby" => ("-created_at".into(), ""),
        "kind" => ("district".into(), ""),
        "current" => ("true".into(), ""),
        "version" => ("1".into(), "&kind=district"),
        "a" | "b" => (centre.to_string(), ""),
        "group" => ("only_a".into(), ""),
        "filter" => ("id > 0".into(), ""),
        "filter-lang" => ("cql2-text".into(), ""),
        "filter-crs" => ("http://www.opengis.net/def/crs/OGC/1.3/CRS84".into(), ""),
        "actor" => ("openapi-admin".into(), ""),
        "action" => ("pin.update".into(), ""),
        "target" => ("pin:1".into(), ""),
        other => panic!("an undocumented test value for {other}"),
    }
}

fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Each GET operation (the staff ones with an admin's token), its path filled in (each value of an enum
/// path parameter): alone, with each documented query parameter, each value of an enum, and with `zzz=1`.
async fn every_get_answers(server: &Server, doc: &Value, admin: &str) {
    let (lon, lat) = REPUBLIC_SQUARE;
    let r = server.post_pin(&report(lon, lat, "wheelchair", "No ramp at the underpass")).await;
    assert_eq!(r.status(), 201);
    let pin = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let first_area = |kind: &'static str| async move {
        let (_, areas) = server.get_json(&format!("/api/v1/areas?kind={kind}")).await;
        areas["features"][0]["id"].as_i64().unwrap()
    };
    let (district, centre) = (first_area("district").await, first_area("historic_centre").await);
    let components = &doc["components"]["parameters"];
    let (mut checked, mut samples) = (0, Vec::new());
    for (template, item) in doc["paths"].as_object().unwrap() {
        let Some(op) = item.get("get") else { continue };
        let staff_only =
            op["security"].as_array().is_some_and(|s| !s.iter().any(|r| r.as_object().is_some_and(|o| o.is_empty())));
        let headers = bearer(staff_only.then_some(admin));
        let params: Vec<&Value> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| match p["$ref"].as_str() {
                Some(r) => &components[r.rsplit('/').next().unwrap()],
                None => p,
            })
            .collect();
        let mut paths = vec![template.clone()];
        for p in params.iter().filter(|p| p["in"] == "path") {
            let name = p["name"].as_str().unwrap();
            let values: Vec<String> = match (&p["schema"]["enum"], name) {
                (Value::Array(values), _) => values.iter().map(|v| v.as_str().unwrap().to_owned()).collect(),
                (_, "id") if template.starts_with("/api/v1/pins/") => vec![pin.to_string()],
                (_, "id") => vec![district.to_string()],
                (_, "lonlat") => vec![format!("{lon},{lat}")],
                (_, other) => panic!("an undocumented test value for the path parameter {other}"),
            };
            paths = paths
                .iter()
                .flat_map(|path| values.iter().map(move |v| path.replace(&format!("{{{name}}}"), v)))
                .collect();
        }
        let query: Vec<&Value> = params.iter().copied().filter(|p| p["in"] == "query").collect();
        let required: String = query
            .iter()
            .filter(|p| p["required"] == true)
            .map(|p| {
                let name = p["name"].as_str().unwrap();
                format!("&{name}={}", enc(&example(name, district, centre, &p["schema"]).0))
            })
            .collect();
        let get = |target: String| {
            let (headers, target) = (headers.clone(), target.trim_end_matches('?').to_owned());
            async move {
                let r = server.client.get(server.url(&target)).headers(headers).send().await.unwrap();
                let (status, media) = (r.status().as_u16(), r.headers().get("content-type").cloned());
                (status, media, r.bytes().await.unwrap(), target)
            }
        };
        for path in &paths {
            let (status, media, body, target) = get(format!("{path}?{}", required.trim_start_matches('&'))).await;
            assert_eq!(status, 200, "GET {target}: {}", String::from_utf8_lossy(&body));
            let media = media.unwrap().to_str().unwrap().to_owned();
            let schema = &op["responses"]["200"]["content"][&media]["schema"];
            assert!(!schema.is_null(), "GET {target} answers {media}, which its 200 does not document");
            if media.ends_with("json") || media.contains("+json;") {
                let body: Value = serde_json::from_slice(&body).unwrap();
                samples.push(serde_json::json!({ "target": target, "schema": schema, "body": body }));
            }
            checked += 1;
        }
        let path = &paths[0];
        for p in query.iter().filter(|p| p["required"] != true) {
            let name = p["name"].as_str().unwrap();
            let (value, beside) = example(name, district, centre, &p["schema"]);
            let (status, _, body, target) = get(format!("{path}?{name}={}{beside}{required}", enc(&value))).await;
            assert_eq!(status, 200, "GET {target}: {}", String::from_utf8_lossy(&body));
            let values = p["schema"]["enum"].as_array().or(p["schema"]["items"]["enum"].as_array());
            for v in values.into_iter().flatten() {
                let v = v.as_str().unwrap();
                let (status, _, body, target) = get(format!("{path}?{name}={}{beside}{required}", enc(v))).await;
                assert!(status != 400 && status < 500, "GET {target}: {status} {}", String::from_utf8_lossy(&body));
            }
            checked += 1;
        }
        let (status, media, body, target) = get(format!("{path}?zzz=1{required}")).await;
        assert_eq!(status, 400, "GET {target}: {}", String::from_utf8_lossy(&body));
        assert_eq!(media.unwrap(), "application/problem+json", "GET {target}");
        let problem: Value = serde_json::from_slice(&body).unwrap();
        let named = problem["errors"].as_array().unwrap().iter().any(|e| e["parameter"] == "zzz");
        assert!(named, "GET {target}: the problem does not name zzz: {problem}");
    }
    assert!(checked > 100, "only {checked} requests were checked");
    bodies_match(&samples);
}

/// Each JSON answer (`{target, schema, body}`) validates against the schema its operation documents
/// (JSON Schema 2020-12, references into the document's components, which `validate` wrote).
fn bodies_match(samples: &[Value]) {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-v1-answers.json");
    std::fs::write(&path, Value::from(samples.to_vec()).to_string()).unwrap();
    let script = r#"
import json, sys, jsonschema
doc, samples = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bad = []
for s in samples:
    v = jsonschema.Draft202012Validator(dict(s["schema"], components=doc["components"]))
    bad += [f'GET {s["target"]}: {e.message[:300]} at {list(e.absolute_path)}' for e in v.iter_errors(s["body"])]
print("\n".join(bad))
sys.exit(1 if bad else 0)
"#;
    let doc = doc_path();
    let args = ["-c", script, doc.to_str().unwrap(), path.to_str().unwrap()];
    python("answers that do not match their documented schema", &args);
}

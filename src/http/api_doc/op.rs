//! One operation of the document, built from what its handler does: who may call it (and so which
//! credentials it reads), the query parameters of its route's allow-list (or none, for a handler that reads
//! no query string), its body, its success answers, and the problem answers it can give.

use serde_json::{Map, Value, json};

use super::params;
use super::schemas::schema_ref;
use crate::params::{Route, routes};

/// Who may call an operation, and so which credentials it reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The handler reads no credential.
    Anyone,
    /// The public, or staff who see more; a bad credential is a 401 all the same.
    AnyoneOrStaff,
    /// Staff only (401 without a credential).
    Staff,
}

/// One operation of the document.
pub struct Op {
    pub path: &'static str,
    pub method: &'static str,
    id: &'static str,
    summary: &'static str,
    access: Access,
    /// The route's allow-list (every handler refuses a name not on it, with a 400 naming it).
    query: Route,
    /// Path and header parameters.
    params: Vec<Value>,
    body: Option<Value>,
    /// The success answers, by status.
    ok: Vec<(&'static str, Value)>,
    /// The problem answers beyond those every such operation gives (see [`Op::build`]).
    errors: &'static [&'static str],
}

impl Op {
    pub fn new(path: &'static str, method: &'static str, id: &'static str, summary: &'static str) -> Self {
        Self {
            path,
            method,
            id,
            summary,
            access: Access::Anyone,
            query: routes::NONE,
            params: vec![],
            body: None,
            ok: vec![],
            errors: &[],
        }
    }

    pub fn access(self, access: Access) -> Self {
        Self { access, ..self }
    }

    pub fn query(self, route: Route) -> Self {
        Self { query: route, ..self }
    }

    pub fn param(mut self, name: &str) -> Self {
        self.params.push(json!({ "$ref": format!("#/components/parameters/{name}") }));
        self
    }

    pub fn body(self, body: Value) -> Self {
        Self { body: Some(body), ..self }
    }

    pub fn ok(mut self, status: &'static str, response: Value) -> Self {
        self.ok.push((status, response));
        self
    }

    pub fn errors(self, errors: &'static [&'static str]) -> Self {
        Self { errors, ..self }
    }

    /// The operation object. Every operation may answer 414 and 431 (the request's head), 500 and 503
    /// (starting up, overloaded, a slow read, the store) and 400 (an unknown, repeated or bad parameter, a
    /// malformed body); one with a body 408, 413 and 415; one reading credentials 401.
    pub fn build(self) -> Value {
        let mut names: Vec<&str> = vec!["UriTooLong", "HeadersTooLarge", "InternalError", "ServiceUnavailable"];
        names.extend(self.errors);
        names.push("BadRequest");
        if self.body.is_some() {
            names.extend(["RequestTimeout", "PayloadTooLarge", "UnsupportedMediaType"]);
        }
        if self.access != Access::Anyone {
            names.push("Unauthorized");
        }
        let mut responses = Map::new();
        for (status, response) in self.ok {
            responses.insert(status.to_owned(), response);
        }
        for name in names {
            responses
                .insert(super::status_of(name).to_owned(), json!({ "$ref": format!("#/components/responses/{name}") }));
        }
        let mut parameters = self.params;
        parameters.extend(params::query(&self.query));
        let mut op = json!({
            "operationId": self.id, "summary": self.summary, "parameters": parameters, "responses": responses,
        });
        let staff = json!([{ "bearerAuth": [] }, { "sessionCookie": [] }]);
        match self.access {
            Access::Anyone => {}
            Access::AnyoneOrStaff => op["security"] = json!([{}, { "bearerAuth": [] }, { "sessionCookie": [] }]),
            Access::Staff => op["security"] = staff,
        }
        if let Some(body) = self.body {
            op["requestBody"] = body;
        }
        op
    }
}

fn content(media: &[&str], schema: &Value) -> Value {
    Value::Object(media.iter().map(|m| ((*m).to_owned(), json!({ "schema": schema }))).collect())
}

/// A success answer of `schema` as `media`, with these headers.
pub fn answer(description: &str, media: &str, schema: Value, headers: &[(&str, &str)]) -> Value {
    let mut a = json!({ "description": description, "content": content(&[media], &schema) });
    for (name, what) in headers {
        a["headers"][*name] = json!({ "description": what, "schema": { "type": "string" } });
    }
    a
}

pub fn json_body(schema: &str) -> Value {
    json!({ "required": true, "content": content(&["application/json", "application/geo+json"], &schema_ref(schema)) })
}

pub const JSON: &str = "application/json";
pub const GEOJSON: &str = "application/geo+json";

//! Every operation of `/api/v1`, one [`Op`] each, as its handler answers. `tests/it/api_openapi.rs` checks
//! this list against the routers' source, and each GET operation against the server.

use serde_json::{Map, Value, json};

use super::op::{Access, GEOJSON, JSON, Op, answer, json_body};
use super::schemas::schema_ref;
use crate::export::ExportFormat;
use crate::params::routes;

/// Every operation of `/api/v1`.
fn operations() -> Vec<Op> {
    let session = || schema_ref("Session");
    let cookie = [("Set-Cookie", "the qala_session cookie (HttpOnly, SameSite=Strict)")];
    let etag = [("ETag", "the pin's state, for If-Match")];
    let created =
        [("Location", "the pin's URL"), ("Idempotent-Replayed", "true when answered from the Idempotency-Key")];
    let revalidated = [("ETag", "the answer's tag, for If-None-Match")];
    let signed_out = json!({ "description": "Signed out; the cookie is cleared",
                             "headers": { "Set-Cookie": { "schema": { "type": "string" } } } });
    let exports = Value::Object(
        ExportFormat::ALL
            .iter()
            .map(|f| {
                let schema = match f.text() {
                    Some(_) if f.media_type() == GEOJSON => json!({ "type": "object" }),
                    Some(_) => json!({ "type": "string" }),
                    None => json!({ "type": "string", "contentMediaType": f.media_type() }),
                };
                (f.media_type().to_owned(), json!({ "schema": schema }))
            })
            .collect(),
    );
    let disposition = json!({ "description": "attachment; filename=\"qala-….…\"", "schema": { "type": "string" } });
    let export_ok = json!({ "description": "The file, as an attachment.", "content": exports,
                            "headers": { "Content-Disposition": disposition } });
    let file_types = "application/geo+json, application/json, application/zip, application/geopackage+sqlite3";
    let upload = json!({ "required": true, "content": { "multipart/form-data": {
        "schema": schema_ref("AreaUpload"), "encoding": { "file": { "contentType": file_types } } } } });
    let write = &["Forbidden", "NotFound", "Conflict", "PreconditionFailed", "Unprocessable", "PreconditionRequired"];
    // A pin's ETag, as a read or a change answers it, is the If-Match of its next change.
    let with_changes = |mut ok: Value| {
        ok["links"] = json!({
            "updatePin": { "operationId": "updatePin", "description": "Change this pin (staff)",
                           "parameters": { "id": "$request.path.id", "header.If-Match": "$response.header.ETag" } },
            "moderatePin": { "operationId": "moderatePin", "description": "Moderate this pin (staff)",
                             "parameters": { "id": "$request.path.id", "header.If-Match": "$response.header.ETag" } },
        });
        ok
    };
    vec![
        Op::new("/api/v1/openapi.json", "get", "getApiDefinition", "This document (OpenAPI 3.1)")
            .query(routes::NONE)
            .ok("200", answer("The OpenAPI 3.1 document", super::MEDIA_TYPE, json!({ "type": "object" }), &[])),
        Op::new("/api/v1/session", "post", "signIn", "Sign the web map in with a staff token")
            .body(json_body("SignIn"))
            .ok("200", answer("Signed in; the session is in the cookie", JSON, session(), &cookie))
            .errors(&["Unauthorized", "Unprocessable", "TooManyRequests"]),
        Op::new("/api/v1/session", "get", "whoAmI", "Who is signed in")
            .access(Access::Staff)
            .ok("200", answer("The signed-in staff member", JSON, session(), &[])),
        Op::new("/api/v1/session", "delete", "signOut", "End the web session (a Bearer token is left alone)")
            .access(Access::Staff)
            .ok("204", signed_out)
            .errors(&["Forbidden"]),
        Op::new("/api/v1/pins", "get", "listPins", "Pins by box, filters, area or distance, in pages")
            .access(Access::AnyoneOrStaff)
            .query(routes::PINS)
            .ok("200", answer("A page of pins (by distance with near)", GEOJSON, schema_ref("PinCollection"), &[]))
            .errors(&["NotFound"]),
        Op::new("/api/v1/pins", "post", "createPin", "Report a problem")
            .access(Access::AnyoneOrStaff)
            .param("IdempotencyKey")
            .body(json_body("NewPin"))
            .ok("201", answer("The pin as stored", GEOJSON, schema_ref("PinFeature"), &created))
            .errors(&["Unprocessable", "TooManyRequests"]),
        Op::new(
            "/api/v1/pins/search",
            "post",
            "searchPins",
            "Pins inside an outline of one's own (POST the same body to the next link)",
        )
        .access(Access::AnyoneOrStaff)
        .query(routes::PINS_IN_AREA)
        .body(json_body("SearchArea"))
        .ok("200", answer("A page of the pins inside", GEOJSON, schema_ref("PinCollection"), &[]))
        .errors(&["Unprocessable"]),
        Op::new("/api/v1/pins/{id}", "get", "getPin", "One pin")
            .access(Access::AnyoneOrStaff)
            .param("PinId")
            .ok("200", with_changes(answer("The pin", GEOJSON, schema_ref("PinFeature"), &etag)))
            .errors(&["NotFound"]),
        Op::new(
            "/api/v1/pins/{id}/updates",
            "get",
            "getTimeline",
            "The pin's timeline (internal notes for staff only)",
        )
        .access(Access::AnyoneOrStaff)
        .param("PinId")
        .ok("200", answer("Status changes and comments, oldest first", JSON, schema_ref("Timeline"), &[]))
        .errors(&["NotFound"]),
        Op::new("/api/v1/pins/{id}/updates", "post", "updatePin", "Change the status, comment, or note (staff)")
            .access(Access::Staff)
            .param("PinId")
            .param("IfMatch")
            .body(json_body("UpdateRequest"))
            .ok(
                "201",
                with_changes(answer(
                    "The timeline entry and the pin's new ETag",
                    JSON,
                    schema_ref("UpdateResult"),
                    &etag,
                )),
            )
            .errors(write),
        Op::new(
            "/api/v1/pins/{id}/contact",
            "get",
            "getContact",
            "The reporter's private contact (planners, admins; audited)",
        )
        .access(Access::Staff)
        .param("PinId")
        .ok("200", answer("The contact, or null", JSON, schema_ref("Contact"), &[]))
        .errors(&["Forbidden", "NotFound"]),
        Op::new(
            "/api/v1/pins/{id}/moderation",
            "post",
            "moderatePin",
            "Approve, hide, unhide or redact a pin (moderators, admins)",
        )
        .access(Access::Staff)
        .param("PinId")
        .param("IfMatch")
        .body(json_body("ModerationRequest"))
        .ok(
            "201",
            with_changes(answer("The timeline entry and the pin's new ETag", JSON, schema_ref("UpdateResult"), &etag)),
        )
        .errors(write),
        Op::new("/api/v1/audit", "get", "getAudit", "The audit trail, newest first (admins)")
            .access(Access::Staff)
            .query(routes::AUDIT)
            .ok("200", answer("A page of entries", JSON, schema_ref("AuditPage"), &[]))
            .errors(&["Forbidden"]),
        Op::new("/api/v1/audit.csv", "get", "getAuditCsv", "The audit trail as CSV (admins)")
            .access(Access::Staff)
            .query(routes::AUDIT)
            .ok("200", answer("A page of entries", "text/csv; charset=utf-8", json!({ "type": "string" }), &[]))
            .errors(&["Forbidden"]),
        Op::new("/api/v1/exports/pins.{format}", "get", "exportPins", "Every matching pin, as one file")
            .query(routes::EXPORT_PINS)
            .param("Format")
            .ok("200", export_ok.clone())
            .errors(&["NotFound"]),
        Op::new("/api/v1/exports/areas.{format}", "get", "exportAreas", "Areas, as one file")
            .query(routes::EXPORT_AREAS)
            .param("Format")
            .ok("200", export_ok)
            .errors(&["NotFound"]),
        Op::new("/api/v1/areas", "get", "listAreas", "Districts and historic-centre versions, with geometry")
            .query(routes::AREAS)
            .ok("200", answer("The areas", GEOJSON, schema_ref("AreaCollection"), &[])),
        Op::new(
            "/api/v1/areas/compare",
            "get",
            "compareAreas",
            "The pins only in A, only in B, and in both of two historic-centre versions",
        )
        .query(routes::AREAS_COMPARE)
        .ok("200", answer("Each group's count and a page of its ids", JSON, schema_ref("AreaComparison"), &[]))
        .errors(&["NotFound"]),
        Op::new(
            "/api/v1/areas/stats",
            "get",
            "areasStats",
            "For every area of a kind, the matching pins and pins per km²",
        )
        .query(routes::AREAS_STATS)
        .ok("200", answer("The areas' counts", JSON, schema_ref("AreasStats"), &[])),
        Op::new(
            "/api/v1/areas/imports",
            "post",
            "importAreas",
            "Upload a district set or a historic-centre draft (planners, admins)",
        )
        .access(Access::Staff)
        .body(upload)
        .ok("201", answer("The new version (not current) and its areas", GEOJSON, schema_ref("AreaImport"), &[]))
        .errors(&["Forbidden", "Unprocessable"]),
        Op::new("/api/v1/areas/{id}", "get", "getArea", "One area, with geometry")
            .param("AreaId")
            .ok("200", answer("The area", GEOJSON, schema_ref("AreaFeature"), &[]))
            .errors(&["NotFound"]),
        Op::new("/api/v1/areas/{id}/pins", "get", "areaPins", "The pins inside an area, in pages")
            .access(Access::AnyoneOrStaff)
            .param("AreaId")
            .query(routes::PINS_IN_AREA)
            .ok("200", answer("A page of the pins inside", GEOJSON, schema_ref("PinCollection"), &[]))
            .errors(&["NotFound"]),
        Op::new(
            "/api/v1/areas/{id}/stats",
            "get",
            "areaStats",
            "One area's counts by category and status, density, first and last report",
        )
        .param("AreaId")
        .ok("200", answer("The area's statistics", JSON, schema_ref("AreaStats"), &[]))
        .errors(&["NotFound"]),
        Op::new(
            "/api/v1/areas/{id}/activate",
            "post",
            "activateArea",
            "Make the version of this area its kind's current one (planners, admins)",
        )
        .access(Access::Staff)
        .param("AreaId")
        .ok("200", answer("The version, now current", GEOJSON, schema_ref("AreaActivation"), &[]))
        .errors(&["Forbidden", "NotFound"]),
        Op::new(
            "/api/v1/point/{lonlat}/areas",
            "get",
            "pointAreas",
            "Every current area containing a point (without geometry)",
        )
        .param("LonLat")
        .ok("200", answer("The areas", GEOJSON, schema_ref("AreaCollection"), &[]))
        .errors(&["BadRequest"]),
        Op::new("/api/v1/map/config", "get", "getMapConfig", "The web map's configuration and vocabularies")
            .query(routes::NONE)
            .ok("200", answer("The configuration", JSON, schema_ref("MapConfig"), &[])),
        Op::new("/api/v1/map/pins", "get", "getMapPins", "Every matching pin, lean, up to 50,000 an answer")
            .query(routes::MAP_PINS)
            .param("IfNoneMatch")
            .ok("200", answer("The pins", GEOJSON, schema_ref("LeanPinCollection"), &revalidated))
            .ok("304", json!({ "description": "Unchanged since the ETag sent in If-None-Match" }))
            .errors(&["NotFound"]),
        Op::new(
            "/api/v1/map/table",
            "get",
            "getMapTable",
            "A page of pins sorted by a column, for the web map's table",
        )
        .query(routes::MAP_TABLE)
        .ok("200", answer("The page", GEOJSON, schema_ref("PinTable"), &[]))
        .errors(&["NotFound"]),
    ]
}

/// `paths`: the operations by path and method. The exports are one route (`/api/v1/exports/{file}`) that
/// takes the pins' parameters or the areas' by its file's name, so they are documented as two paths, each
/// saying which route it is (`x-axum-route`).
pub fn paths() -> Value {
    let mut paths = Map::new();
    for op in operations() {
        let (path, method) = (op.path, op.method);
        let item = paths.entry(path).or_insert_with(|| json!({}));
        if path.starts_with("/api/v1/exports/") {
            item["x-axum-route"] = json!("/api/v1/exports/{file}");
        }
        item[method] = op.build();
    }
    Value::Object(paths)
}

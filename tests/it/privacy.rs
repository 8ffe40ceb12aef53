//! A citizen's contact is stored apart and appears in no response, listing or log line.

use serde_json::json;

use crate::support::{QalaProcess, REPUBLIC_SQUARE, StoreKind, TestStore};

async fn contact_is_stored_privately_and_never_published_or_logged(kind: StoreKind) {
    let store = TestStore::new(kind).await;
    // The binary, logging at debug level: everything the process writes is searched for the contact.
    let server = QalaProcess::start_with_log(&store, "debug,hyper=info,h2=info").await;
    let contacts = ["aigerim.secret@example.kz", "+7 701 555 12 34"];
    let mut ids = Vec::new();
    for contact in contacts {
        let body = json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [REPUBLIC_SQUARE.0, REPUBLIC_SQUARE.1]},
            "properties": {"category": "low_vision", "description": "No tactile paving", "contact": contact}});
        let r = server.post_pin(&body).await;
        assert_eq!(r.status(), 201);
        let text = r.text().await.unwrap();
        assert!(!text.contains(contact) && !text.contains("contact"), "{text}");
        ids.push(serde_json::from_str::<serde_json::Value>(&text).unwrap()["id"].as_i64().unwrap());
    }
    let mut published = String::new();
    for id in &ids {
        published += &server.get(&format!("/api/v1/pins/{id}")).await.text().await.unwrap();
    }
    published += &server.get("/api/v1/pins").await.text().await.unwrap();
    published += &server.get("/api/v1/pins?bbox=76.9,43.2,77,43.3&category=low_vision").await.text().await.unwrap();
    for contact in contacts {
        assert!(!published.contains(contact), "{contact} published");
        assert!(!server.log().contains(contact), "{contact} logged");
        assert!(!server.log().contains("701 555"), "phone digits logged");
    }
    assert!(server.log().contains("pin created"), "the log was written at debug level");

    let q = "SELECT contact FROM pin_contacts ORDER BY pin_id";
    assert_eq!(store.strings(q, q).await, contacts);
    let public_columns = store
        .strings(
            "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'pins' ORDER BY 1",
            "SELECT name FROM pragma_table_info('pins') ORDER BY 1",
        )
        .await;
    assert!(public_columns.contains(&"description".to_owned()), "{public_columns:?}");
    assert!(!public_columns.iter().any(|c| c.contains("contact")), "{public_columns:?}");
}

on_both_stores!(contact_is_stored_privately_and_never_published_or_logged);

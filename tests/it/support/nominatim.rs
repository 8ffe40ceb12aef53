//! A small Nominatim-compatible geocoder for the web map's place search: `GET /search` with the parameters and
//! the `format=jsonv2` answer of Nominatim's search API, over a gazetteer of a few Almaty places named in
//! Kazakh, Russian and English. It is strict where the page must be right: without `format=jsonv2`,
//! `bounded=1`, a `viewbox` around Almaty or an `accept-language` of kk, ru or en it answers 400, so a page
//! asking the wrong question fails its test rather than getting results anyway.
//!
//! Places match when every word of `q` (case-folded) is in one of their names; the answer names them in the
//! `accept-language` asked for. It answers CORS (`Access-Control-Allow-Origin: *`), as Nominatim does, since
//! the page asks from qala's origin.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

/// `(lat, lon, [kk, ru, en])`: each place's point and its names.
const PLACES: &[(f64, f64, [&str; 3])] = &[
    (
        43.23965,
        76.95640,
        [
            "Абай даңғылы мен Достық даңғылының қиылысы",
            "Пересечение проспекта Абая и проспекта Достык",
            "Abay Avenue and Dostyk Avenue junction",
        ],
    ),
    (43.23800, 76.94580, ["Республика алаңы", "Площадь Республики", "Republic Square"]),
    (43.26010, 76.95390, ["Жібек жолы көшесі", "Улица Жибек Жолы", "Zhibek Zholy Street"]),
    // Outside the viewbox: a bounded search must not find it.
    (51.12820, 71.43050, ["Абай даңғылы, Астана", "Проспект Абая, Астана", "Abay Avenue, Astana"]),
];

/// A running stub; dropping it stops it.
pub struct Nominatim {
    pub base: String,
    searches: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Nominatim {
    pub async fn start() -> Nominatim {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let searches = Arc::new(AtomicUsize::new(0));
        let app = Router::new().route("/search", get(search)).with_state(searches.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Nominatim { base, searches, task }
    }

    /// How many searches were answered with results or an empty list (not the 400s).
    pub fn searches(&self) -> usize {
        self.searches.load(Ordering::SeqCst)
    }
}

impl Drop for Nominatim {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn search(State(searches): State<Arc<AtomicUsize>>, Query(q): Query<HashMap<String, String>>) -> Response {
    match answer(&q) {
        Ok(places) => {
            searches.fetch_add(1, Ordering::SeqCst);
            cors((StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], places.to_string()).into_response())
        }
        Err(reason) => cors((StatusCode::BAD_REQUEST, reason).into_response()),
    }
}

fn cors(mut response: Response) -> Response {
    response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".parse().unwrap());
    response
}

fn answer(q: &HashMap<String, String>) -> Result<Value, String> {
    let get = |name: &str| q.get(name).map(String::as_str);
    if get("format") != Some("jsonv2") {
        return Err("format must be jsonv2".into());
    }
    if get("bounded") != Some("1") {
        return Err("bounded must be 1: the search is Almaty's".into());
    }
    let lang = match get("accept-language") {
        Some("kk") => 0,
        Some("ru") => 1,
        Some("en") => 2,
        other => return Err(format!("accept-language must be kk, ru or en, not {other:?}")),
    };
    let viewbox: Vec<f64> = get("viewbox")
        .ok_or("viewbox is missing")?
        .split(',')
        .map(|v| v.trim().parse::<f64>().map_err(|_| format!("viewbox: {v:?} is not a number")))
        .collect::<Result<_, _>>()?;
    let [x1, y1, x2, y2] = viewbox[..] else { return Err("viewbox must be x1,y1,x2,y2".into()) };
    let (west, east, south, north) = (x1.min(x2), x1.max(x2), y1.min(y2), y1.max(y2));
    // Almaty's box, give or take: a viewbox of the whole world or of another city is a wrong question.
    if !(76.5..77.0).contains(&west)
        || !(76.9..77.5).contains(&east)
        || !(43.0..43.3).contains(&south)
        || !(43.2..43.6).contains(&north)
    {
        return Err(format!("viewbox {west},{south},{east},{north} is not Almaty's"));
    }
    let limit: usize = get("limit").unwrap_or("10").parse().map_err(|_| "limit must be a number".to_owned())?;
    let words: Vec<String> =
        get("q").ok_or("q is missing")?.split_whitespace().map(str::to_lowercase).filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return Err("q is empty".into());
    }
    let found: Vec<Value> = PLACES
        .iter()
        .enumerate()
        .filter(|(_, (lat, lon, _))| (west..=east).contains(lon) && (south..=north).contains(lat))
        .filter(|(_, (_, _, names))| words.iter().all(|w| names.iter().any(|n| n.to_lowercase().contains(w.as_str()))))
        .take(limit)
        .map(|(i, (lat, lon, names))| {
            json!({
                "place_id": 1000 + i,
                "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
                "osm_type": "node",
                "osm_id": 5000 + i,
                "lat": format!("{lat:.7}"),
                "lon": format!("{lon:.7}"),
                "category": "highway",
                "type": "crossing",
                "place_rank": 30,
                "importance": 0.1,
                "addresstype": "road",
                "name": names[lang],
                "display_name": format!("{}, {}", names[lang], ["Алматы", "Алматы", "Almaty"][lang]),
                "boundingbox": [
                    format!("{:.7}", lat - 0.0005), format!("{:.7}", lat + 0.0005),
                    format!("{:.7}", lon - 0.0005), format!("{:.7}", lon + 0.0005),
                ],
            })
        })
        .collect();
    Ok(Value::Array(found))
}

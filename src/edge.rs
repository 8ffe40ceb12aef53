//! How qala is reached: the public URL its links and `Location`s are built from, and the proxies whose
//! `X-Forwarded-*` headers may be believed. Anyone can send `X-Forwarded-For: 10.0.0.1` or
//! `X-Forwarded-Host: evil.example`; believed blindly, the first would dodge the rate limit and the second
//! would put another site into every link qala answers (and into cached pages). So they count only when the
//! connection comes from a proxy named by `--trusted-proxy`; `--public-url` overrides the rest.

use std::net::IpAddr;

use ipnet::IpNet;

#[derive(Debug, Clone, Default)]
pub struct Edge {
    /// `https://qala.example.kz` (no trailing slash): every link and `Location` starts with it.
    pub public_url: Option<String>,
    /// The proxies in front of qala.
    pub trusted_proxies: Vec<IpNet>,
}

/// What a request's headers say about where it came from (each `None` when absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct Forwarded<'a> {
    /// Every `X-Forwarded-For` value, joined by commas in the order received.
    pub for_: Option<&'a str>,
    pub host: Option<&'a str>,
    pub proto: Option<&'a str>,
}

impl Edge {
    /// Parses `--public-url`: an absolute http(s) URL with a host, no query or fragment.
    ///
    /// # Errors
    /// Why the URL cannot be the public one.
    pub fn parse_public_url(raw: &str) -> Result<String, String> {
        let url = raw.trim().trim_end_matches('/');
        let (scheme, rest) = url.split_once("://").ok_or_else(|| format!("{raw:?} is not an absolute URL"))?;
        let host = rest.split('/').next().unwrap_or("");
        if !matches!(scheme, "http" | "https") || !valid_host(host) || rest.contains(['?', '#', ' ']) {
            return Err(format!(
                "{raw:?}: the public URL must be http(s)://host[:port][/path], without query or fragment"
            ));
        }
        Ok(url.to_owned())
    }

    fn trusts(&self, addr: IpAddr) -> bool {
        let addr = addr.to_canonical();
        self.trusted_proxies.iter().any(|net| net.contains(&addr))
    }

    /// The client's address: the socket's peer, or, when that is a trusted proxy, the nearest address in
    /// `X-Forwarded-For` that is not a trusted proxy itself (read from the right: the left is what the client
    /// claimed, the right is what the proxies appended).
    pub fn client_addr(&self, peer: IpAddr, forwarded: &Forwarded<'_>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded.for_.unwrap_or("").rsplit(',') {
            let Some(addr) = hop_addr(hop) else { break };
            client = addr;
            if !self.trusts(addr) {
                break;
            }
        }
        client
    }

    /// The base URL of links: `--public-url`; else, from a trusted proxy, its `X-Forwarded-Proto`/`-Host`;
    /// else `http://` and the request's own `Host`, if it is a well-formed host (else `localhost`).
    pub fn base_url(&self, peer: IpAddr, forwarded: &Forwarded<'_>, host: Option<&str>) -> String {
        if let Some(url) = &self.public_url {
            return url.clone();
        }
        let trusted = self.trusts(peer);
        let proto = last(forwarded.proto).filter(|p| trusted && matches!(*p, "http" | "https")).unwrap_or("http");
        let host = last(forwarded.host)
            .filter(|h| trusted && valid_host(h))
            .or_else(|| host.map(str::trim).filter(|h| valid_host(h)))
            .unwrap_or("localhost");
        format!("{proto}://{host}")
    }
}

/// The last of a comma-separated header's values: a proxy chain appends to them, so the last is what the
/// nearest (trusted) proxy wrote, and the first is whatever the client claimed.
fn last(v: Option<&str>) -> Option<&str> {
    v.and_then(|v| v.rsplit(',').next()).map(str::trim)
}

/// One `X-Forwarded-For` hop as an address: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:5678`.
fn hop_addr(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    let addr = hop
        .parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| hop.strip_prefix('[').and_then(|h| h.strip_suffix(']')).and_then(|h| h.parse().ok()))?;
    Some(addr.to_canonical())
}

/// A host and optional port as a URL may hold it: letters, digits, `.`, `-`, `:` and IPv6 brackets only, so
/// nothing that could end the authority (`/`, `@`, `?`, spaces) gets into a link.
fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(proxies: &[&str]) -> Edge {
        Edge { public_url: None, trusted_proxies: proxies.iter().filter_map(|p| p.parse().ok()).collect() }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let claims = Forwarded { for_: Some("1.2.3.4, 198.51.100.7"), ..Forwarded::default() };
        assert_eq!(edge(&[]).client_addr(ip("203.0.113.1"), &claims), ip("203.0.113.1"));
        let e = edge(&["10.0.0.0/8"]);
        assert_eq!(e.client_addr(ip("203.0.113.1"), &claims), ip("203.0.113.1"), "not a trusted peer");
        assert_eq!(e.client_addr(ip("10.0.0.2"), &claims), ip("198.51.100.7"), "the hop the proxy saw");
        let chained = Forwarded { for_: Some("6.6.6.6, 198.51.100.7, 10.0.0.9"), ..Forwarded::default() };
        assert_eq!(e.client_addr(ip("10.0.0.2"), &chained), ip("198.51.100.7"), "proxies in a chain are skipped");
        let junk = Forwarded { for_: Some("not-an-address"), ..Forwarded::default() };
        assert_eq!(e.client_addr(ip("10.0.0.2"), &junk), ip("10.0.0.2"));
        for (hop, client) in [
            ("198.51.100.7:5678", "198.51.100.7"),
            ("[2001:db8::7]:5678", "2001:db8::7"),
            ("[2001:db8::7]", "2001:db8::7"),
        ] {
            let f = Forwarded { for_: Some(hop), ..Forwarded::default() };
            assert_eq!(e.client_addr(ip("10.0.0.2"), &f), ip(client), "{hop}");
        }
        assert_eq!(e.client_addr(ip("::ffff:10.0.0.2"), &claims), ip("198.51.100.7"), "an IPv4-mapped proxy");
    }

    #[test]
    fn links_come_from_the_public_url_a_trusted_proxy_or_a_valid_host() {
        let evil = Forwarded { host: Some("evil.example"), proto: Some("https"), ..Forwarded::default() };
        let peer = ip("203.0.113.1");
        assert_eq!(edge(&[]).base_url(peer, &evil, Some("qala.kz")), "http://qala.kz");
        assert_eq!(edge(&["203.0.113.0/24"]).base_url(peer, &evil, Some("qala.kz")), "https://evil.example");
        let appended = Forwarded {
            host: Some("claimed.example, qala.example.kz"),
            proto: Some("http, https"),
            ..Forwarded::default()
        };
        assert_eq!(edge(&["203.0.113.0/24"]).base_url(peer, &appended, None), "https://qala.example.kz");
        assert_eq!(edge(&[]).base_url(peer, &Forwarded::default(), Some("qala.kz/x?y")), "http://localhost");
        assert_eq!(edge(&[]).base_url(peer, &Forwarded::default(), Some("[::1]:8080")), "http://[::1]:8080");
        let public = Edge { public_url: Edge::parse_public_url("https://qala.example.kz/").ok(), ..edge(&[]) };
        assert_eq!(public.base_url(peer, &evil, Some("anything")), "https://qala.example.kz");
    }

    #[test]
    fn public_urls_are_checked() {
        assert_eq!(Edge::parse_public_url("https://qala.kz/city").as_deref(), Ok("https://qala.kz/city"));
        for bad in ["qala.kz", "ftp://qala.kz", "https://", "https://qala.kz/?a=1", "https://a b"] {
            assert!(Edge::parse_public_url(bad).is_err(), "{bad}");
        }
    }
}

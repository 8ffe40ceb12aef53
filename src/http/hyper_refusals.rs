//! hyper refuses some requests itself, before qala's service sees them: a request line or header it cannot
//! parse (400), a path and query over its hard limit of 64 KiB (414), a head that fills its buffer
//! ([`Limits::HYPER_BUFFER_BYTES`], 431). It answers those with a status and no body, where every refusal of
//! qala's own is a problem document. [`ProblemStream`] wraps a connection's stream and, as hyper writes such
//! an answer, writes it with the problem document qala gives for the same refusal. hyper closes the connection
//! after it either way.
//!
//! Such an answer is known by what only hyper writes: status 400, 414 or 431 with `content-length: 0` and no
//! `content-type`, as one whole head at the start of a write (every answer of qala's service carries a
//! problem document). A refusal that hyper writes in the same write as the end of a pipelined answer before
//! it stays bare.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::ApiError;
use super::error::PROBLEM_JSON;
use crate::limits::Limits;

/// The three problem documents, rendered once for every connection of a server.
#[derive(Debug)]
pub struct HyperRefusals {
    malformed: String,
    uri_too_long: String,
    headers_too_large: String,
}

impl HyperRefusals {
    /// The documents for `limits` (which name the largest path and head qala reads).
    #[must_use]
    pub fn new(limits: &Limits) -> Arc<Self> {
        Arc::new(Self {
            malformed: ApiError::MalformedRequest.problem_document(),
            uri_too_long: ApiError::UriTooLong(limits.max_uri_bytes).problem_document(),
            headers_too_large: ApiError::HeadersTooLarge(limits.max_header_bytes).problem_document(),
        })
    }

    /// The answer to write instead of `head`, when `head` is one of hyper's bare refusals.
    fn rewrite(&self, head: &[u8]) -> Option<Vec<u8>> {
        // Every answer's head passes here: the status decides at once for all but these three.
        let body = match head.strip_prefix(b"HTTP/1.1 ")?.get(..3)? {
            b"400" => &self.malformed,
            b"414" => &self.uri_too_long,
            b"431" => &self.headers_too_large,
            _ => return None,
        };
        // hyper's refusal is a status line, `content-length`, `date` and perhaps `connection`.
        if head.len() > 512 || !head.ends_with(b"\r\n\r\n") {
            return None;
        }
        let text = std::str::from_utf8(head).ok()?;
        let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
        let status_line = lines.next()?;
        let mut kept = Vec::new();
        let mut no_body = false;
        for line in lines {
            let (name, value) = line.split_once(':')?;
            match name.to_ascii_lowercase().as_str() {
                "content-length" => no_body = value.trim() == "0",
                "content-type" => return None,
                "connection" => {}
                _ => kept.push(line),
            }
        }
        if !no_body {
            return None;
        }
        let mut answer = format!(
            "{status_line}\r\ncontent-type: {PROBLEM_JSON}\r\ncontent-length: {}\r\nconnection: close\r\n\
             x-content-type-options: nosniff\r\ncache-control: no-store\r\n",
            body.len()
        );
        for line in kept {
            answer.push_str(line);
            answer.push_str("\r\n");
        }
        answer.push_str("\r\n");
        answer.push_str(body);
        Some(answer.into_bytes())
    }
}

/// A connection's stream, with hyper's bare refusals written as problem documents.
pub struct ProblemStream<S> {
    inner: S,
    refusals: Arc<HyperRefusals>,
    /// A rewritten refusal being written, and how many of hyper's bytes it stands for.
    pending: Option<Pending>,
}

struct Pending {
    bytes: Vec<u8>,
    written: usize,
    stands_for: usize,
}

impl<S> ProblemStream<S> {
    pub fn new(inner: S, refusals: Arc<HyperRefusals>) -> Self {
        Self { inner, refusals, pending: None }
    }
}

impl<S: AsyncWrite + Unpin> ProblemStream<S> {
    /// Writes what is pending; ready once all of it is written.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(p) = self.pending.as_mut() {
            while p.written < p.bytes.len() {
                let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &p.bytes[p.written..]))?;
                if n == 0 {
                    return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                }
                p.written += n;
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Writes the pending refusal and reports hyper's bytes it stands for as written.
    fn poll_refusal(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        Poll::Ready(Ok(self.pending.take().map_or(0, |p| p.stands_for)))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ProblemStream<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            let Some(bytes) = this.refusals.rewrite(buf) else {
                return Pin::new(&mut this.inner).poll_write(cx, buf);
            };
            this.pending = Some(Pending { bytes, written: 0, stands_for: buf.len() });
        }
        this.poll_refusal(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            // hyper queues a head as one slice of its own.
            let first = bufs.iter().find(|b| !b.is_empty());
            let Some((bytes, len)) = first.and_then(|b| this.refusals.rewrite(b).map(|r| (r, b.len()))) else {
                return Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
            };
            this.pending = Some(Pending { bytes, written: 0, stands_for: len });
        }
        this.poll_refusal(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for ProblemStream<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusals() -> Arc<HyperRefusals> {
        HyperRefusals::new(&Limits::default())
    }

    #[test]
    fn hypers_bare_refusals_get_their_problem_document() {
        let r = refusals();
        for (status, kind) in [
            ("400 Bad Request", "malformed-request"),
            ("414 URI Too Long", "uri-too-long"),
            ("431 Request Header Fields Too Large", "headers-too-large"),
        ] {
            let bare = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\ndate: Fri, 04 Dec 2026 05:00:00 GMT\r\n\r\n");
            let answer = r.rewrite(bare.as_bytes()).map(|b| String::from_utf8_lossy(&b).into_owned());
            let answer = answer.unwrap_or_default();
            let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_default();
            assert!(head.starts_with(&format!("HTTP/1.1 {status}\r\n")), "{answer}");
            assert!(head.contains("\r\ncontent-type: application/problem+json\r\n"), "{answer}");
            assert!(head.contains(&format!("\r\ncontent-length: {}\r\n", body.len())), "{answer}");
            assert!(head.contains("\r\ndate: Fri, 04 Dec 2026 05:00:00 GMT"), "{answer}");
            let doc: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
            assert_eq!(doc["type"], format!("/problems/{kind}"), "{answer}");
            assert_eq!(doc["status"].as_u64().map(|s| s.to_string()), Some(status[..3].to_owned()));
        }
    }

    #[test]
    fn qalas_own_answers_pass_untouched() {
        let r = refusals();
        for head in [
            // qala's own refusal: a problem document.
            "HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/problem+json\r\ncontent-length: 120\r\n\r\n",
            // An empty answer of another status.
            "HTTP/1.1 204 No Content\r\ndate: x\r\n\r\n",
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 12\r\n\r\n",
            // Not a whole head, or a body behind it.
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n{}",
            "0\r\n\r\n",
        ] {
            assert!(r.rewrite(head.as_bytes()).is_none(), "{head}");
        }
    }
}

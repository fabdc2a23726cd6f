//! Broken streams picked up again (S25 basic/transports.mdx, "Resumability and Redelivery"):
//! a request's stream that ends or breaks before its answer is resumed with a GET carrying
//! `Last-Event-ID`, after the server's `retry` — if the server gave its events ids, and not
//! for ever; the standalone stream is reopened a few times in a row at most.

use std::collections::BTreeMap;

use super::ClientSession;
use super::exchanges::Purpose;
use super::link::Phase;
use crate::event::LogLevel;
use crate::negotiation::Transport;
use crate::sse::SseDecoder;

/// A request's stream is resumed at most this many times: a server that replays and closes
/// is polled, for minutes but not for ever.
const MAX_RESUMES: u32 = 100;
/// How long to wait before resuming when the server named no `retry`.
pub(super) const DEFAULT_RETRY_MS: u64 = 1000;
/// The standalone stream is reopened at most this many times in a row without a message.
const MAX_STANDALONE_REOPENS: u32 = 3;

/// Where each stream would be resumed from.
#[derive(Debug, Default)]
pub(super) struct Resume {
    /// Per request: the last SSE event id seen on its stream, and how often it was resumed.
    points: BTreeMap<u64, (Option<String>, u32)>,
    /// The standalone stream's last event id, and reopenings since its last message.
    standalone: (Option<String>, u32),
}

impl Resume {
    pub fn forget(&mut self, rpc: u64) {
        self.points.remove(&rpc);
    }

    pub fn clear(&mut self) {
        self.points.clear();
        self.standalone = (None, 0);
    }

    /// A message arrived on the standalone stream: it is alive again.
    pub fn standalone_heard(&mut self) {
        self.standalone.1 = 0;
    }
}

impl ClientSession {
    /// Opens the standalone GET stream, from `last_event_id` if given.
    pub(super) fn open_standalone(&mut self, last_event_id: Option<String>) {
        let mut headers = self.stream_headers();
        if let Some(last) = last_event_id {
            headers.push(("Last-Event-ID".to_owned(), last));
        }
        self.start(
            crate::http::HttpMethod::Get,
            headers,
            None,
            Purpose::Standalone,
        );
    }

    /// A stream ended or broke: resume it (GET with `Last-Event-ID`, after the server's
    /// `retry`) if the server gave it event ids and it still owes something; true if it will.
    pub(super) fn stream_broke(&mut self, purpose: &Purpose, decoder: &SseDecoder) -> bool {
        if self.link.transport != Transport::Stateful || self.link.phase != Phase::Ready {
            return false;
        }
        let delay = decoder.retry_ms().unwrap_or(DEFAULT_RETRY_MS);
        match *purpose {
            Purpose::Rpc(id) | Purpose::Resume { rpc: id }
                if self.requests.pending.contains_key(&id) =>
            {
                let point = self.resume.points.entry(id).or_insert((None, 0));
                if let Some(last) = decoder.last_event_id().filter(|l| !l.is_empty()) {
                    point.0 = Some(last.to_owned());
                }
                let (Some(last), attempts) = (point.0.clone(), point.1) else {
                    return false;
                };
                if attempts >= MAX_RESUMES {
                    return false;
                }
                point.1 += 1;
                self.log(
                    LogLevel::Info,
                    format!("The stream of request {id} ended before its answer; resuming after event {last} in {delay} ms."),
                );
                let mut headers = self.stream_headers();
                headers.push(("Last-Event-ID".to_owned(), last));
                self.timers
                    .delay_get(self.now + delay, headers, Purpose::Resume { rpc: id });
                true
            }
            Purpose::Standalone => {
                if let Some(last) = decoder.last_event_id().filter(|l| !l.is_empty()) {
                    self.resume.standalone.0 = Some(last.to_owned());
                }
                if self.resume.standalone.1 >= MAX_STANDALONE_REOPENS {
                    self.log(
                        LogLevel::Info,
                        "The server keeps closing its standalone stream; not reopening it.".into(),
                    );
                    return true;
                }
                self.resume.standalone.1 += 1;
                self.log(
                    LogLevel::Info,
                    format!("The standalone stream ended; reopening it in {delay} ms."),
                );
                let mut headers = self.stream_headers();
                if let Some(last) = self.resume.standalone.0.clone() {
                    headers.push(("Last-Event-ID".to_owned(), last));
                }
                self.timers
                    .delay_get(self.now + delay, headers, Purpose::Standalone);
                true
            }
            _ => false,
        }
    }
}

//! The session's timers, read by [`ClientSession::poll_timeout`] and fired by
//! [`ClientSession::handle_timeout`]: streams resumed after the server's `retry`, a deadline
//! for each step of connecting and for each request, and a ping cadence for 2025 sessions.
//!
//! Deadlines follow S25 basic/lifecycle.mdx, "Timeouts": a request gets a timeout, after
//! which it is cancelled; progress (and any message on its stream) resets it. A tool call
//! waits as long as the person reviews one of its server's requests — the server is waiting
//! for the person, not the other way — and its clock starts again when the person is done.

use std::collections::BTreeMap;

use super::ClientSession;
use super::exchanges::Purpose;
use super::link::Phase;
use super::requests::{Pending, Requests};
use crate::error::{Doing, Error, Failure};
use crate::event::{CallId, LogLevel};
use crate::http::HttpMethod;
use crate::negotiation::{Discovery, Transport};

/// Each step of connecting (discover, initialize, the HTTP+SSE endpoint) gets this long.
pub const CONNECT_TIMEOUT_MS: u64 = 30_000;
/// A request other than a tool call (tool list, ping, log level) gets this long.
pub const REQUEST_TIMEOUT_MS: u64 = 60_000;
/// A tool call may be silent this long (no progress, no message on its stream, for a task no
/// poll saying it still runs) while none of its server's requests waits for the person; then
/// it is cancelled.
pub const CALL_IDLE_TIMEOUT_MS: u64 = 300_000;
/// A 2025 session pings its server this often, so a dead server shows before a person needs it.
pub const PING_EVERY_MS: u64 = 60_000;

/// A GET waiting for its time (a stream resumed after the server's `retry`).
#[derive(Debug)]
pub(super) struct Delayed {
    due: u64,
    headers: Vec<(String, String)>,
    purpose: Purpose,
}

#[derive(Debug, Default)]
pub(super) struct Timers {
    pub delayed: Vec<Delayed>,
    /// Per request of the client's: when it times out, and how long it may be silent.
    pub deadlines: BTreeMap<u64, (u64, u64)>,
    /// When the current step of connecting times out.
    pub connect_by: Option<u64>,
    /// When to ping next.
    ping_at: Option<u64>,
}

impl Timers {
    /// Starts request `rpc`'s deadline (none for the handshake, which has its own).
    pub fn set_deadline(&mut self, now: u64, rpc: u64, kind: &Pending) {
        let after = match kind {
            // The listen stream stays open for as long as the session wants changes.
            Pending::Discover | Pending::Initialize(_) | Pending::Listen => return,
            // A task's `tasks/result` waits for the task as a call waits for its tool.
            kind if kind.carries().is_some() => CALL_IDLE_TIMEOUT_MS,
            _ => REQUEST_TIMEOUT_MS,
        };
        self.deadlines.insert(rpc, (now + after, after));
    }

    /// Request `rpc` showed signs of life: its deadline starts again.
    pub fn touch(&mut self, now: u64, rpc: u64) {
        if let Some((due, after)) = self.deadlines.get_mut(&rpc) {
            *due = now + *after;
        }
    }

    /// The person answered a request of call `call`: the server works again, and the call's
    /// deadline starts again.
    pub fn touch_call(&mut self, now: u64, call: CallId, requests: &Requests) {
        if let Some(rpc) = requests.rpc_carrying(call) {
            self.touch(now, rpc);
        }
    }

    pub fn forget_rpc(&mut self, rpc: u64) {
        self.deadlines.remove(&rpc);
        self.delayed
            .retain(|d| !matches!(d.purpose, Purpose::Resume { rpc: r } if r == rpc));
    }

    pub fn delay_get(&mut self, due: u64, headers: Vec<(String, String)>, purpose: Purpose) {
        self.delayed.push(Delayed {
            due,
            headers,
            purpose,
        });
    }

    /// Forgets every timer (the session ended, expired, or gave up connecting).
    pub fn clear(&mut self) {
        *self = Timers::default();
    }
}

impl ClientSession {
    /// The earliest time something is due.
    pub(super) fn next_deadline(&self) -> Option<u64> {
        let requests = self
            .timers
            .deadlines
            .iter()
            .filter(|(rpc, _)| !self.waits_for_person(**rpc))
            .map(|(_, (due, _))| *due);
        self.timers
            .delayed
            .iter()
            .map(|d| d.due)
            .chain(requests)
            .chain(self.timers.connect_by)
            .chain(self.timers.ping_at)
            .chain(self.next_poll())
            .min()
    }

    /// Whether request `rpc` carries a tool call with a server request waiting for the person.
    fn waits_for_person(&self, rpc: u64) -> bool {
        self.requests
            .pending
            .get(&rpc)
            .and_then(|p| p.kind.carries())
            .is_some_and(|related| self.call_waits_for_person(related.call))
    }

    pub(super) fn connect_deadline(&mut self) {
        self.timers.connect_by = Some(self.now + CONNECT_TIMEOUT_MS);
    }

    pub(super) fn schedule_ping(&mut self) {
        self.timers.ping_at = (self.link.transport != Transport::Stateless
            && self.link.phase == Phase::Ready)
            .then_some(self.now + PING_EVERY_MS);
    }

    /// Fires whatever is due at `self.now`.
    pub(super) fn fire_timers(&mut self) {
        let now = self.now;
        // Streams waiting for their time.
        let (due, later): (Vec<Delayed>, Vec<Delayed>) = std::mem::take(&mut self.timers.delayed)
            .into_iter()
            .partition(|d| d.due <= now);
        self.timers.delayed = later;
        for delayed in due {
            self.start(HttpMethod::Get, delayed.headers, None, delayed.purpose);
        }
        // A step of connecting that got no answer.
        if self.timers.connect_by.is_some_and(|by| by <= now) {
            self.timers.connect_by = None;
            self.connect_step_timed_out();
        }
        // Requests that got no answer.
        let overdue: Vec<u64> = self
            .timers
            .deadlines
            .iter()
            .filter(|(rpc, (due, _))| *due <= now && !self.waits_for_person(**rpc))
            .map(|(rpc, _)| *rpc)
            .collect();
        for rpc in overdue {
            self.request_timed_out(rpc);
        }
        // Tasks to poll.
        self.poll_tasks();
        // The ping cadence.
        if self.timers.ping_at.is_some_and(|at| at <= now) {
            self.send_rpc::<serde_json::Value>("ping", Some(serde_json::json!({})), Pending::Ping);
            self.schedule_ping();
        }
    }

    fn connect_step_timed_out(&mut self) {
        let seconds = CONNECT_TIMEOUT_MS / 1000;
        let handshake: Vec<u64> = self
            .requests
            .pending
            .iter()
            .filter(|(_, p)| matches!(p.kind, Pending::Discover | Pending::Initialize(_)))
            .map(|(id, _)| *id)
            .collect();
        for rpc in &handshake {
            for transfer in self.exchanges.of_rpc(*rpc) {
                self.exchanges.abort(transfer);
            }
        }
        match self.link.phase {
            // A server that never answers server/discover may still answer initialize.
            Phase::Discovering => {
                for rpc in handshake {
                    self.requests.pending.remove(&rpc);
                }
                self.on_discovery(Discovery::Legacy(Failure::TimedOut { seconds }));
            }
            Phase::Initializing | Phase::OpeningLegacyStream | Phase::Confirming => {
                let doing = match self.link.phase {
                    Phase::OpeningLegacyStream => Doing::OpeningLegacyStream,
                    Phase::Confirming => Doing::Confirming,
                    _ => handshake
                        .first()
                        .and_then(|rpc| self.requests.pending.get(rpc))
                        .map_or(Doing::Confirming, |p| p.kind.doing()),
                };
                self.connect_failed(Error::new(doing, Failure::TimedOut { seconds }));
            }
            _ => {}
        }
    }

    /// A request got no answer in time: a call is cancelled (the server is told up to
    /// 2025-11-25; a task's, when it offers `tasks/cancel`) and fails; anything else fails.
    fn request_timed_out(&mut self, rpc: u64) {
        let Some(pending) = self.requests.pending.get(&rpc) else {
            self.timers.deadlines.remove(&rpc);
            return;
        };
        let doing = pending.kind.doing();
        if let Some(related) = pending.kind.carries().cloned() {
            let seconds = CALL_IDLE_TIMEOUT_MS / 1000;
            self.log(
                LogLevel::Warning,
                format!(
                    "The call of {} was silent for {seconds} s; cancelling it.",
                    related.tool
                ),
            );
            // A task is cancelled with tasks/cancel, a plain call with notifications/cancelled.
            if !self.stop_task(related.call) {
                self.withdraw_call(rpc, "timeout");
            }
            return self.events.push_back(crate::event::Event::ToolCallFailed {
                call: related.call,
                error: Error::new(doing, Failure::TimedOut { seconds }),
            });
        }
        for transfer in self.exchanges.of_rpc(rpc) {
            self.exchanges.abort(transfer);
        }
        let seconds = REQUEST_TIMEOUT_MS / 1000;
        self.fail_rpc(rpc, Failure::TimedOut { seconds });
    }
}

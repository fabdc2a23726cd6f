//! 2026-07-28 change notifications (S26 basic/patterns/subscriptions.mdx): no session and no
//! GET stream, so the client opens a `subscriptions/listen` request whose response stream stays
//! open, asking for the list changes the server offers and the updates of the resources the
//! person subscribed to. Its notifications arrive like any other and are handled the same
//! way. Subscribing or unsubscribing a resource closes the stream (closing is the cancel at
//! this revision) and opens one with the new list; the server's acknowledgment says which
//! resources it agreed to.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::ClientSession;
use super::link::Phase;
use super::requests::Pending;
use crate::error::{Doing, Error, Failure};
use crate::event::{Event, LogLevel};
use crate::model::ErrorCode;
use crate::negotiation::Transport;

/// The listen stream and what it asks for.
#[derive(Debug, Default)]
pub(super) struct Listen {
    /// The open `subscriptions/listen` request.
    pub rpc: Option<u64>,
    /// The resources the person subscribed to.
    pub resources: BTreeSet<String>,
}

impl ClientSession {
    /// (Re)opens the listen stream with what the server offers and the resources subscribed
    /// to; closes the one before.
    pub(super) fn listen(&mut self) {
        if self.link.transport != Transport::Stateless || self.link.phase != Phase::Ready {
            return;
        }
        if let Some(old) = self.listen.rpc.take() {
            self.withdraw(old, "listening again with a new filter");
        }
        let offers = self.link.offers;
        let mut filter = serde_json::Map::new();
        for (name, wanted) in [
            ("toolsListChanged", offers.changes.tools),
            ("promptsListChanged", offers.changes.prompts),
            ("resourcesListChanged", offers.changes.resources),
        ] {
            if wanted {
                filter.insert(name.into(), Value::Bool(true));
            }
        }
        if !self.listen.resources.is_empty() {
            filter.insert(
                "resourceSubscriptions".into(),
                json!(self.listen.resources.iter().collect::<Vec<_>>()),
            );
        }
        if filter.is_empty() {
            return;
        }
        let id = self.send_rpc(
            "subscriptions/listen",
            Some(json!({"notifications": filter})),
            Pending::Listen,
        );
        self.listen.rpc = Some(id);
    }

    /// 2026-07-28: a resource subscribed to or not is a new filter on a new stream.
    pub(super) fn listen_for(&mut self, uri: String, on: bool) {
        let changed = if on {
            self.listen.resources.insert(uri.clone())
        } else {
            self.listen.resources.remove(&uri)
        };
        // A stream that ended (or never opened) is opened again for any change of mind.
        if changed || self.listen.rpc.is_none() {
            self.listen();
        }
        if !on {
            self.events.push_back(Event::Subscribed { uri, on: false });
        }
    }

    /// `notifications/subscriptions/acknowledged`: which of the resources asked for the
    /// server agreed to send updates of ("The client SHOULD check the acknowledged filter
    /// against what it requested").
    pub(super) fn listen_acknowledged(&mut self, params: &Value) {
        // Only the open stream's acknowledgment counts (one withdrawn may still be in flight).
        let stream = params
            .pointer("/_meta/io.modelcontextprotocol~1subscriptionId")
            .and_then(Value::as_u64);
        if stream.is_some() && stream != self.listen.rpc {
            return;
        }
        let agreed: BTreeSet<String> = params
            .pointer("/notifications/resourceSubscriptions")
            .and_then(Value::as_array)
            .map(|uris| {
                uris.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        self.log(
            LogLevel::Info,
            format!(
                "Listening for the server's changes ({} resource(s) subscribed)",
                agreed.len()
            ),
        );
        for uri in self.listen.resources.clone() {
            if agreed.contains(&uri) {
                self.events.push_back(Event::Subscribed { uri, on: true });
            } else {
                self.listen.resources.remove(&uri);
                self.events.push_back(Event::BrowseFailed {
                    error: Error::new(
                        Doing::Subscribing(uri),
                        Failure::Unusable("the server did not agree to send its updates".into()),
                    ),
                });
            }
        }
    }

    /// The listen request ended: gracefully (its result) or not (a failure).
    pub(super) fn listen_ended(&mut self, id: u64, failure: Option<&Failure>) {
        if self.listen.rpc != Some(id) {
            return;
        }
        self.listen.rpc = None;
        match failure {
            None => self.log(
                LogLevel::Info,
                "The server closed the stream of its changes.".into(),
            ),
            Some(Failure::SessionEnded) => {}
            Some(Failure::Rpc(e) | Failure::Status { rpc: Some(e), .. })
                if e.code == ErrorCode::METHOD_NOT_FOUND =>
            {
                self.log(
                    LogLevel::Debug,
                    "The server does not offer subscriptions/listen: its changes are not heard."
                        .into(),
                )
            }
            Some(failure) => self.log(
                LogLevel::Warning,
                format!(
                    "The stream of the server's changes ended: {}",
                    Self::brief(failure)
                ),
            ),
        }
        // Nothing is heard any more: the resources subscribed to say so, and a click on one
        // opens a stream again.
        if failure.is_some_and(|f| *f != Failure::SessionEnded) {
            for uri in std::mem::take(&mut self.listen.resources) {
                self.events.push_back(Event::Subscribed {
                    uri: uri.clone(),
                    on: false,
                });
                self.events.push_back(Event::BrowseFailed {
                    error: Error::new(
                        Doing::Subscribing(uri),
                        Failure::Unusable("the stream of the server's changes ended".into()),
                    ),
                });
            }
        }
    }
}

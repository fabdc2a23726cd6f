//! The roots the person shares (S25 client/roots.mdx): answered to a server's `roots/list`
//! request (up to 2025-11-25) and to a `roots/list` input of an `input_required` result
//! (2026-07-28) at once — they are the person's own setting, not a question for them — and,
//! in a session, announced with `notifications/roots/list_changed` when they change (the
//! client declares `roots.listChanged`). A stateless 2026-07-28 server has no session to tell:
//! it asks again with each call that needs them.
// rmcp marks its roots types deprecated (SEP-2577); MCP Desk still shares roots.
#![allow(deprecated)]

use serde_json::Value;

use super::ClientSession;
use super::link::Phase;
use crate::event::LogLevel;
use crate::jsonrpc;
use crate::model::{ListRootsResult, RequestId, Root};
use crate::negotiation::Transport;

impl ClientSession {
    /// The person changed the roots they share.
    pub fn set_roots(&mut self, now: u64, roots: Vec<Root>) {
        self.at(now);
        if self.config.roots == roots {
            return;
        }
        self.config.roots = roots;
        if self.link.phase == Phase::Ready && self.link.transport != Transport::Stateless {
            self.log(
                LogLevel::Info,
                format!(
                    "Telling the server the roots changed ({} now)",
                    self.config.roots.len()
                ),
            );
            let body = jsonrpc::notification("notifications/roots/list_changed", None);
            self.send_reply(body, "roots change notice".into());
        }
    }

    /// The roots as a `roots/list` result.
    pub(super) fn roots_result(&self) -> Value {
        serde_json::to_value(ListRootsResult::new(self.config.roots.clone())).unwrap_or_default()
    }

    /// Answers the server's `roots/list` request `id`.
    pub(super) fn answer_roots(&mut self, id: &RequestId) {
        self.log(
            LogLevel::Info,
            format!(
                "The server asked for the roots; answered with {}",
                self.config.roots.len()
            ),
        );
        let body = jsonrpc::result(id, self.roots_result());
        self.send_reply(body, format!("roots list for request {id}"));
    }
}

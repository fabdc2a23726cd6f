//! The roots the person shares: added or removed here, then handed to every connection (a
//! 2025 session tells its server they changed). Saving is the store's.
// rmcp marks its roots types deprecated (SEP-2577); MCP Desk still shares roots.
#![allow(deprecated)]

use leptos::prelude::*;
use mcp_desk_logic::roots;
use mcp_desk_protocol::model::Root;

use super::Controller;

impl Controller {
    /// Shares the root the person typed (a `file://` URI, with an optional name); says why
    /// not if it cannot be.
    pub fn add_root(&self, uri: &str, name: &str) -> bool {
        let added = self
            .state
            .roots
            .with_untracked(|r| roots::add(r, uri, name));
        match added {
            Ok(roots) => {
                self.state.root_error.set(None);
                self.share_roots(roots);
                true
            }
            Err(why) => {
                self.state.root_error.set(Some(why));
                false
            }
        }
    }

    /// Stops sharing the root at `uri`.
    pub fn remove_root(&self, uri: &str) {
        let left = self.state.roots.with_untracked(|r| roots::remove(r, uri));
        self.share_roots(left);
    }

    fn share_roots(&self, roots: Vec<Root>) {
        self.state.roots.set(roots.clone());
        for connection in self.connections() {
            connection.with_session(|s, now| s.set_roots(now, roots.clone()));
        }
    }
}

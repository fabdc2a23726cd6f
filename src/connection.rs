//! Drives one protocol session over the network: performs the HTTP exchanges the session
//! asks for, feeds it what arrives, and hands its events to [`crate::events`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use leptos::task::spawn_local;
use mcp_desk_protocol::{
    ClientSession, HttpRequest, InputId, LogLevel, LogSource, SessionConfig, TransferId, Transmit,
};
use web_sys::AbortController;

use crate::browser::http;
use crate::events::{self, FollowUp};
use crate::state::{AppState, ServerPanel};

const PING_EVERY_MS: u64 = 60_000;

/// One server connection.
pub struct Connection {
    session: RefCell<ClientSession>,
    aborts: RefCell<HashMap<TransferId, AbortController>>,
    state: AppState,
    /// The server tab it reports to.
    panel: ServerPanel,
    /// The URL it connected to (the tab's form may since have been edited).
    endpoint: String,
}

impl Connection {
    /// Creates the session and starts its handshake.
    pub fn start(config: SessionConfig, state: AppState, panel: ServerPanel) -> Rc<Self> {
        let endpoint = config.url.clone();
        let connection = Rc::new(Connection {
            endpoint,
            session: RefCell::new(ClientSession::new(config)),
            aborts: RefCell::new(HashMap::new()),
            state,
            panel,
        });
        connection.with_session(ClientSession::connect);
        Self::keep_alive(Rc::downgrade(&connection));
        connection
    }

    /// Pings the server every minute while the connection lives (2025 revisions; the session
    /// ignores it otherwise), so a dead server shows in the log before a person needs it.
    fn keep_alive(connection: Weak<Self>) {
        spawn_local(async move {
            loop {
                crate::browser::timer::sleep(PING_EVERY_MS).await;
                let Some(connection) = connection.upgrade() else {
                    return;
                };
                if connection.session.borrow().is_closed() {
                    return;
                }
                connection.with_session(ClientSession::ping);
            }
        });
    }

    /// The page state this connection reports to.
    pub fn state(&self) -> AppState {
        self.state
    }

    /// The server tab this connection reports to.
    pub fn panel(&self) -> ServerPanel {
        self.panel
    }

    /// Whether this connection's server still waits for an answer to `input`.
    pub fn is_waiting(&self, input: InputId) -> bool {
        self.session.borrow().is_pending(input)
    }

    /// Runs `f` on the session, then performs and shows whatever it produced.
    pub fn with_session<R>(self: &Rc<Self>, f: impl FnOnce(&mut ClientSession) -> R) -> R {
        let result = f(&mut self.session.borrow_mut());
        self.pump();
        result
    }

    fn pump(self: &Rc<Self>) {
        loop {
            let next = self.session.borrow_mut().poll_transmit();
            match next {
                Some(Transmit::Send(request)) => {
                    let this = Rc::clone(self);
                    spawn_local(async move { this.perform(request).await });
                }
                Some(Transmit::Abort(transfer)) => {
                    if let Some(controller) = self.aborts.borrow_mut().remove(&transfer) {
                        controller.abort();
                    }
                }
                None => break,
            }
        }
        loop {
            let next = self.session.borrow_mut().poll_event();
            match next {
                Some(event) => match events::apply(&self.state, &self.panel, &self.endpoint, event)
                {
                    Some(FollowUp::Refuse { input, reason }) => {
                        let refused = self.with_session(|s| s.refuse_sampling(input, &reason));
                        if let Err(e) = refused {
                            self.state.push_log(LogLevel::Warning, LogSource::Client, e);
                        }
                    }
                    Some(FollowUp::Automatic { item, mode }) => {
                        crate::auto_answer::start(Rc::clone(self), *item, mode)
                    }
                    None => {}
                },
                None => break,
            }
        }
    }

    async fn perform(self: Rc<Self>, request: HttpRequest) {
        let transfer = request.transfer;
        let Ok(controller) = AbortController::new() else {
            self.with_session(|s| {
                s.on_failure(
                    transfer,
                    "The browser refused to create an AbortController.",
                )
            });
            return;
        };
        let signal = controller.signal();
        self.aborts.borrow_mut().insert(transfer, controller);
        if let Some(ms) = request.delay_ms {
            crate::browser::timer::sleep(ms).await;
            if signal.aborted() {
                self.aborts.borrow_mut().remove(&transfer);
                return;
            }
        }
        match http::send(&request, &signal).await {
            Err(error) => self.with_session(|s| s.on_failure(transfer, &error)),
            Ok((head, mut body)) => {
                self.with_session(|s| s.on_response(transfer, head));
                loop {
                    match body.next_chunk().await {
                        Ok(Some(chunk)) => self.with_session(|s| s.on_body(transfer, &chunk)),
                        Ok(None) => {
                            self.with_session(|s| s.on_end(transfer));
                            break;
                        }
                        Err(error) => {
                            self.with_session(|s| s.on_failure(transfer, &error));
                            break;
                        }
                    }
                }
            }
        }
        self.aborts.borrow_mut().remove(&transfer);
    }
}

//! Drives one protocol session over the network: performs the HTTP exchanges the session asks
//! for, feeds it what arrives, wakes it when its next timer is due, and hands every event it
//! reports to whoever started the connection (the controller).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use leptos::prelude::{TimeoutHandle, set_timeout_with_handle};
use leptos::task::spawn_local;
use mcp_desk_protocol::{
    ClientSession, Event, HttpRequest, InputId, SessionConfig, TransferId, Transmit,
};
use web_sys::AbortController;

use crate::browser::{clock, http};

/// One server connection.
pub struct Connection {
    session: RefCell<ClientSession>,
    aborts: RefCell<HashMap<TransferId, AbortController>>,
    on_event: Box<dyn Fn(Event)>,
    /// The session's next deadline a timer is armed for (ms, monotonic), and that timer.
    armed: Cell<Option<u64>>,
    timer: Cell<Option<TimeoutHandle>>,
    me: Weak<Connection>,
}

impl Connection {
    /// Creates the session, starts its handshake, and reports its events to `on_event`.
    pub fn start(
        config: SessionConfig,
        authorization: Option<String>,
        on_event: impl Fn(Event) + 'static,
    ) -> Rc<Self> {
        let mut session = ClientSession::new(config);
        session.set_authorization(authorization);
        // The wall clock when the session's clock read 0, for the timestamps of its tasks.
        session.set_wall_clock((clock::wall_ms() - clock::monotonic_ms()).max(0.0) as u64);
        let connection = Rc::new_cyclic(|me| Connection {
            session: RefCell::new(session),
            aborts: RefCell::new(HashMap::new()),
            on_event: Box::new(on_event),
            armed: Cell::new(None),
            timer: Cell::new(None),
            me: me.clone(),
        });
        connection.with_session(|s, now| s.connect(now));
        connection
    }

    /// Whether this connection's server still waits for an answer to `input`.
    pub fn is_waiting(&self, input: InputId) -> bool {
        self.session.borrow().is_pending(input)
    }

    /// Runs `f` on the session with the time now, then performs and reports whatever it
    /// produced.
    pub fn with_session<R>(&self, f: impl FnOnce(&mut ClientSession, u64) -> R) -> R {
        let result = f(&mut self.session.borrow_mut(), now());
        self.pump();
        result
    }

    fn pump(&self) {
        loop {
            let next = self.session.borrow_mut().poll_transmit();
            match next {
                Some(Transmit::Send(request)) => {
                    if let Some(this) = self.me.upgrade() {
                        spawn_local(async move { this.perform(request).await });
                    }
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
                Some(event) => (self.on_event)(event),
                None => break,
            }
        }
        self.arm_timer();
    }

    /// Keeps one browser timer armed for the session's next deadline.
    fn arm_timer(&self) {
        let due = self.session.borrow().poll_timeout();
        if due == self.armed.get() {
            return;
        }
        self.armed.set(due);
        if let Some(old) = self.timer.take() {
            old.clear();
        }
        let Some(due) = due else {
            return;
        };
        let me = self.me.clone();
        let wait = std::time::Duration::from_millis(due.saturating_sub(now()));
        let handle = set_timeout_with_handle(
            move || {
                if let Some(this) = me.upgrade() {
                    this.timer.set(None);
                    this.armed.set(None);
                    this.with_session(|s, now| s.handle_timeout(now));
                }
            },
            wait,
        );
        self.timer.set(handle.ok());
    }

    async fn perform(self: Rc<Self>, request: HttpRequest) {
        let transfer = request.transfer;
        let Ok(controller) = AbortController::new() else {
            self.with_session(|s, now| {
                s.on_failure(
                    now,
                    transfer,
                    "The browser refused to create an AbortController.",
                )
            });
            return;
        };
        let signal = controller.signal();
        self.aborts.borrow_mut().insert(transfer, controller);
        match http::send(&request, &signal).await {
            Err(error) => self.with_session(|s, now| s.on_failure(now, transfer, &error)),
            Ok((head, mut body)) => {
                self.with_session(|s, now| s.on_response(now, transfer, head));
                loop {
                    match body.next_chunk().await {
                        Ok(Some(chunk)) => {
                            self.with_session(|s, now| s.on_body(now, transfer, &chunk))
                        }
                        Ok(None) => {
                            self.with_session(|s, now| s.on_end(now, transfer));
                            break;
                        }
                        Err(error) => {
                            self.with_session(|s, now| s.on_failure(now, transfer, &error));
                            break;
                        }
                    }
                }
            }
        }
        self.aborts.borrow_mut().remove(&transfer);
    }
}

/// The monotonic clock in whole milliseconds, as the session counts time.
fn now() -> u64 {
    clock::monotonic_ms().max(0.0) as u64
}

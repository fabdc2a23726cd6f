//! Keeps the demo server's SSE events in memory so a client whose stream dropped (conference
//! Wi-Fi) can resume it with `Last-Event-ID` and still receive what it missed — even a tool
//! result sent while it was away.

use std::collections::VecDeque;
use std::sync::Mutex;

use rmcp::transport::streamable_http_server::session::ServerSseMessage;
use rmcp::transport::streamable_http_server::session::store::{
    EventStore, EventStoreError, EventStream,
};

/// How many events the demo remembers, all streams together.
const CAPACITY: usize = 10_000;

/// The last [`CAPACITY`] events of every stream, with ids unique across streams.
#[derive(Debug, Default)]
pub struct MemoryEventStore {
    inner: Mutex<Events>,
}

#[derive(Debug, Default)]
struct Events {
    next_id: u64,
    /// (event id, stream id, event), oldest first.
    log: VecDeque<(u64, String, ServerSseMessage)>,
}

#[async_trait::async_trait]
impl EventStore for MemoryEventStore {
    async fn store_event(
        &self,
        stream_id: &str,
        event: &ServerSseMessage,
    ) -> Result<String, EventStoreError> {
        let mut events = self.inner.lock().map_err(|_| "event store poisoned")?;
        let id = events.next_id;
        events.next_id += 1;
        let mut stored = event.clone();
        stored.event_id = Some(id.to_string());
        events.log.push_back((id, stream_id.to_owned(), stored));
        if events.log.len() > CAPACITY {
            events.log.pop_front();
        }
        Ok(id.to_string())
    }

    async fn replay_events_after(
        &self,
        last_event_id: &str,
    ) -> Result<EventStream, EventStoreError> {
        let last: u64 = last_event_id
            .parse()
            .map_err(|_| format!("unknown event id {last_event_id:?}"))?;
        let events = self.inner.lock().map_err(|_| "event store poisoned")?;
        let stream = events
            .log
            .iter()
            .find(|(id, _, _)| *id == last)
            .map(|(_, stream, _)| stream.clone())
            .ok_or_else(|| format!("event {last_event_id} is no longer remembered"))?;
        let later: Vec<ServerSseMessage> = events
            .log
            .iter()
            .filter(|(id, s, _)| *id > last && *s == stream)
            .map(|(_, _, event)| event.clone())
            .collect();
        Ok(Box::pin(futures_util::stream::iter(later)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    fn event() -> ServerSseMessage {
        ServerSseMessage::default()
    }

    #[tokio::test]
    async fn replays_only_later_events_of_the_same_stream() {
        let store = MemoryEventStore::default();
        let a0 = store.store_event("a", &event()).await.unwrap();
        let _b0 = store.store_event("b", &event()).await.unwrap();
        let a1 = store.store_event("a", &event()).await.unwrap();
        let replayed: Vec<_> = store
            .replay_events_after(&a0)
            .await
            .unwrap()
            .collect()
            .await;
        let ids: Vec<_> = replayed
            .iter()
            .map(|e| e.event_id.clone().unwrap())
            .collect();
        assert_eq!(ids, [a1]);
        assert!(store.replay_events_after("999").await.is_err());
    }
}

//! Keeping the preview open to its user when other clients misbehave. Connections
//! are bounded; when the bound is reached, the connection that has waited longest
//! for a request (a remote one before one from this computer) is closed to make
//! room, so sockets that trickle bytes cannot keep a new visitor out. Each request
//! head must arrive whole within a deadline, however slowly its bytes come.

use std::io::{self, Read};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 256;
/// A request head (or the wait for the next one on a kept-alive connection) must be
/// complete within this time; a browser sends one in milliseconds.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(10);

#[derive(Default)]
pub struct Connections {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    open: usize,
    next_id: u64,
    /// Connections waiting for a request head, oldest first.
    waiting: Vec<Waiting>,
}

struct Waiting {
    id: u64,
    local: bool,
    stream: TcpStream,
}

/// A place among the open connections, given back when dropped.
pub struct Ticket {
    connections: Arc<Connections>,
    id: u64,
    local: bool,
}

impl Connections {
    /// Makes room for `stream`, closing the connection that has waited longest
    /// for a request if need be. `None` when every connection is busy answering.
    pub fn admit(self: &Arc<Self>, stream: &TcpStream) -> Option<Ticket> {
        let local = stream.peer_addr().is_ok_and(|a| a.ip().is_loopback());
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.open >= MAX_CONNECTIONS {
            let at = inner
                .waiting
                .iter()
                .position(|w| !w.local)
                .or((!inner.waiting.is_empty()).then_some(0))?;
            let evicted = inner.waiting.remove(at);
            // Its thread sees the connection end at once and gives its place back.
            let _ = evicted.stream.shutdown(Shutdown::Both);
        }
        inner.open += 1;
        inner.next_id += 1;
        Some(Ticket {
            connections: self.clone(),
            id: inner.next_id,
            local,
        })
    }
}

impl Ticket {
    /// The connection waits for a request head and may be closed to make room.
    pub fn waiting(&self, stream: &TcpStream) {
        let Ok(stream) = stream.try_clone() else {
            return;
        };
        let mut inner = self.lock();
        inner.waiting.push(Waiting {
            id: self.id,
            local: self.local,
            stream,
        });
    }

    /// A request has arrived: the connection is busy, not to be closed. False when
    /// it was closed to make room just before.
    pub fn busy(&self) -> bool {
        let mut inner = self.lock();
        let before = inner.waiting.len();
        inner.waiting.retain(|w| w.id != self.id);
        inner.waiting.len() < before
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.connections
            .inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut inner = self.lock();
        inner.waiting.retain(|w| w.id != self.id);
        inner.open -= 1;
    }
}

/// Reads from a stream until a deadline, however slowly the bytes come: each read
/// waits at most for the time that is left.
pub struct Deadline {
    stream: TcpStream,
    until: Instant,
}

impl Deadline {
    pub fn new(stream: TcpStream) -> Deadline {
        Deadline {
            stream,
            until: Instant::now() + HEAD_DEADLINE,
        }
    }

    /// Starts the time for the next request head.
    pub fn restart(&mut self) {
        self.until = Instant::now() + HEAD_DEADLINE;
    }
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

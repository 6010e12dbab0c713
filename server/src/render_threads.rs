//! Each request is handled from start to end on one thread of a small pool, with every task it
//! spawns (the resources a page waits for) on that same thread.
//!
//! Why: `reactive_graph` 0.2.16 (under Leptos 0.8) can deadlock a thread with itself. Looking up
//! a context (`use_context`), it holds a read lock on the current owner while it walks up the
//! parents, each upgraded to a strong reference for a moment. When another thread drops its own
//! handle of one of those parents at that moment, the walk is left holding the last one; dropping
//! it cleans the parent's children, which takes a write lock on the owner the walk has read-locked.
//! The worker never comes back, and neither does its request. A page render and the tasks of its
//! resources each hold handles of the same owner tree; on a multi-threaded runtime they run on
//! different threads, which is how the hang of issue 15 happened (seen in the security and offers
//! suites; `tests/it/render_threads.rs` reproduces it in about a second). On one thread, a drop can
//! only happen between two steps of the render, never inside a walk. The upstream walk no longer
//! keeps the lock (reactive_graph 0.3); this module can go when Leptos 0.9 is taken.
//!
//! The response body is relayed from the pool's thread through a small channel. When the client
//! leaves, or the deadline answers in its place, the render is dropped by its own thread (as soon
//! as the channel closes, even while a body waits on something), never from the connection's
//! thread in the middle of a step. A panic half-way through a body ends the connection rather
//! than passing a cut page for a whole one.
//!
//! The trade-off: a request cannot move between threads, so CPU-heavy work must stay on blocking
//! threads (`spawn_blocking`), as photo decoding and password hashing already do.

use axum::body::HttpBody;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::FutureExt;
use http_body_util::BodyExt;
use std::panic::AssertUnwindSafe;
use tokio::sync::{mpsc, oneshot};
use tokio_util::task::LocalPoolHandle;

/// Frames of a response held between the render and the connection: enough to keep both busy,
/// little enough that a slow reader holds back the render rather than filling memory.
const FRAMES_IN_FLIGHT: usize = 8;

/// The pool of render threads: one per core, each running its own single-threaded runtime.
#[derive(Clone)]
pub struct RenderThreads(LocalPoolHandle);

impl RenderThreads {
    pub fn new() -> Self {
        let threads = std::thread::available_parallelism().map_or(2, usize::from);
        Self(LocalPoolHandle::new(threads))
    }

    /// Runs `work` on one of the pool's threads, with everything it spawns.
    pub fn spawn<F, Fut>(&self, work: F) -> tokio::task::JoinHandle<Fut::Output>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future + 'static,
        Fut::Output: Send + 'static,
    {
        self.0.spawn_pinned(work)
    }
}

impl Default for RenderThreads {
    fn default() -> Self {
        Self::new()
    }
}

/// Middleware: the rest of the stack runs on a render thread; the answer comes back here.
pub async fn on_one_thread(
    State(threads): State<RenderThreads>,
    request: Request,
    next: Next,
) -> Response {
    let (head_sender, head) = oneshot::channel();
    let (frame_sender, frames) = mpsc::channel::<Result<Bytes, axum::Error>>(FRAMES_IN_FLIGHT);
    let on_panic = frame_sender.clone();
    threads.spawn(move || async move {
        let relay = async move {
            let (parts, mut body) = next.run(request).await.into_parts();
            let length = body.size_hint().exact();
            if head_sender.send((parts, length)).is_err() {
                return;
            }
            loop {
                let frame = tokio::select! {
                    frame = body.frame() => frame,
                    // The client left while the body was still being made: stop making it, here.
                    () = frame_sender.closed() => return,
                };
                // Trailers are not used by any route; data frames are relayed as they come.
                let data = match frame {
                    None => return,
                    Some(Ok(frame)) => match frame.into_data() {
                        Ok(data) => Ok(data),
                        Err(_) => continue,
                    },
                    Some(Err(error)) => Err(error),
                };
                if frame_sender.send(data).await.is_err() {
                    return;
                }
            }
        };
        if AssertUnwindSafe(relay).catch_unwind().await.is_err() {
            // Before the head, the panic guard inside answered already; after it, the client must
            // not take a cut body for a whole one: an error frame makes the server drop the
            // connection.
            tracing::error!("a response panicked while its body was being sent");
            let _ = on_panic
                .send(Err(axum::Error::new("the response failed half-way")))
                .await;
        }
    });
    match head.await {
        Ok((parts, length)) => {
            let frames = futures_util::stream::unfold(frames, |mut frames| async move {
                frames.recv().await.map(|frame| (frame, frames))
            });
            let mut response = Response::from_parts(parts, Body::from_stream(frames));
            // The stream does not know its size; a body that did keeps it (downloads show progress).
            if let Some(length) = length {
                response
                    .headers_mut()
                    .entry(header::CONTENT_LENGTH)
                    .or_insert_with(|| HeaderValue::from(length));
            }
            response
        }
        Err(_) => {
            // The work ended without an answer: it panicked (the panic is in the log).
            crate::error_pages::internal_error()
        }
    }
}

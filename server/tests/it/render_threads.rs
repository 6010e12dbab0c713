//! The reactive owner race behind the hang of issue 15, and the render threads that keep it away.

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use http_body_util::BodyExt;
use leptos::prelude::{Owner, provide_context, use_context};
use locactive::render_threads::{RenderThreads, on_one_thread};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::ThreadId;
use std::time::{Duration, Instant};
use tower::ServiceExt;

#[derive(Clone)]
struct Marker;

/// A root with a context, and below it a middle owner whose only handle is given away, and a leaf.
fn tree(root: &Owner) -> (Owner, Owner) {
    let middle = root.with(Owner::new);
    let leaf = middle.with(Owner::new);
    (middle, leaf)
}

fn walks(leaf: &Owner) {
    for _ in 0..50 {
        // Once the middle owner is gone the context is not found: only the walk matters here.
        let _ = leaf.with(use_context::<Marker>);
    }
}

/// The cause, shown without Leptos' rendering: one thread walks up from the leaf for a context
/// while another drops the middle owner's handle. With reactive_graph 0.2.16 the walker
/// deadlocks with itself within a second or so; the test passes when it does. Run it with
/// `cargo test -p locactive --test it -- --ignored render_threads`; when it fails, the crate is fixed
/// and `render_threads.rs` may go.
#[test]
#[ignore = "leaves a deadlocked thread behind when it proves its point"]
fn an_owner_walk_deadlocks_when_another_thread_drops_a_parent() {
    let root = Owner::new_root(None);
    root.with(|| provide_context(Marker));
    let rounds = Arc::new(AtomicU64::new(0));
    let barrier = Arc::new(std::sync::Barrier::new(2));
    let (send, receive) = std::sync::mpsc::sync_channel::<Owner>(0);
    std::thread::spawn({
        let (rounds, barrier, root) = (rounds.clone(), barrier.clone(), root.clone());
        move || {
            loop {
                let (middle, leaf) = tree(&root);
                if send.send(middle).is_err() {
                    return;
                }
                barrier.wait();
                walks(&leaf);
                rounds.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let Ok(middle) = receive.recv_timeout(Duration::from_secs(5)) else {
            eprintln!("deadlocked after {} rounds", rounds.load(Ordering::Relaxed));
            return;
        };
        barrier.wait();
        drop(middle);
    }
    panic!(
        "no deadlock in {} rounds: the walk no longer holds its lock",
        rounds.load(Ordering::Relaxed)
    );
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

fn confined(router: Router) -> Router {
    router.layer(from_fn_with_state(RenderThreads::new(), on_one_thread))
}

async fn body_of(router: &Router, path: &str) -> Vec<u8> {
    let response = router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).expect("a request"))
        .await
        .expect("an answer");
    response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes()
        .to_vec()
}

/// What the render's safety rests on: a handler and the tasks it spawns run on one thread, as a
/// page and the resources it waits for do.
#[test]
fn a_handler_and_the_tasks_it_spawns_share_one_thread() {
    async fn threads() -> String {
        let handler = std::thread::current().id();
        let spawned: ThreadId = tokio::spawn(async { std::thread::current().id() })
            .await
            .expect("the task ends");
        (handler == spawned).to_string()
    }
    let runtime = runtime();
    runtime.block_on(async {
        let router = confined(Router::new().route("/", get(threads)));
        for _ in 0..200 {
            assert_eq!(body_of(&router, "/").await, b"true");
        }
    });
    runtime.shutdown_timeout(Duration::from_secs(5));
}

/// The race of the ignored test above, as a render meets it: the task that drops the middle owner
/// is spawned by the handler and woken from outside the runtime while the handler walks, as a
/// resource's task is woken by its database's thread. On a render thread it can only run once
/// the handler yields, so every round completes; on the runtime's own workers the same handler
/// deadlocks within a few thousand rounds.
#[test]
fn the_owner_race_cannot_happen_on_a_render_thread() {
    async fn race() -> &'static str {
        // Wakes each dropper from a thread of its own, as a query's answer would.
        let (wake, wakes) = std::sync::mpsc::channel::<tokio::sync::oneshot::Sender<()>>();
        std::thread::spawn(move || {
            for waker in wakes {
                let _ = waker.send(());
            }
        });
        let root = Owner::new_root(None);
        root.with(|| provide_context(Marker));
        for _ in 0..30_000 {
            let (middle, leaf) = tree(&root);
            let (waker, woken) = tokio::sync::oneshot::channel();
            let dropper = tokio::spawn(async move {
                let _ = woken.await;
                drop(middle)
            });
            if wake.send(waker).is_err() {
                return "the waking thread is gone";
            }
            walks(&leaf);
            dropper.await.expect("the drop ends");
        }
        "done"
    }
    let runtime = runtime();
    let finished = runtime.block_on(async {
        let router = confined(Router::new().route("/", get(race)));
        let rounds = (0..1).map(|_| {
            let router = router.clone();
            tokio::spawn(async move { body_of(&router, "/").await })
        });
        tokio::time::timeout(
            Duration::from_secs(60),
            futures_util::future::join_all(rounds),
        )
        .await
    });
    runtime.shutdown_timeout(Duration::from_secs(5));
    let bodies = finished.expect("no render thread deadlocked");
    for body in bodies {
        assert_eq!(body.expect("the request ends"), b"done");
    }
}

/// A long body comes through the relay whole and in order.
#[test]
fn a_streamed_body_is_relayed_whole() {
    async fn long() -> Body {
        let chunks = (0..1_000).map(|i| Ok::<_, std::io::Error>(format!("{i};")));
        Body::from_stream(futures_util::stream::iter(chunks))
    }
    let runtime = runtime();
    runtime.block_on(async {
        let router = confined(Router::new().route("/", get(long)));
        let expected: String = (0..1_000).map(|i| format!("{i};")).collect();
        assert_eq!(body_of(&router, "/").await, expected.as_bytes());
    });
    runtime.shutdown_timeout(Duration::from_secs(5));
}

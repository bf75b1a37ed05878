//! A TCP proxy a test can take down and bring back, standing between Novi and PostgreSQL: down,
//! it stops listening and drops every open connection, as a restarting database server does.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use tokio::{
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

pub struct Proxy {
    pub address: SocketAddr,
    target: SocketAddr,
    /// The accept loop and every connection's copy task, aborted together when it goes down.
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    /// Listens on a free local port and forwards to `target`.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let proxy = Self {
            address: listener.local_addr().expect("the proxy's address"),
            target,
            tasks: Arc::default(),
        };
        proxy.serve(listener);
        proxy
    }

    /// Refuses new connections and cuts the open ones.
    pub fn down(&self) {
        for task in self.tasks.lock().expect("proxy tasks").drain(..) {
            task.abort();
        }
    }

    /// Listens again on the same address (waiting a little should another socket hold it).
    pub async fn up(&self) {
        for _ in 0..50 {
            if let Ok(listener) = TcpListener::bind(self.address).await {
                self.serve(listener);
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{} stayed taken", self.address);
    }

    fn serve(&self, listener: TcpListener) {
        let (target, tasks) = (self.target, self.tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let copy = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                tasks.lock().expect("proxy tasks").push(copy);
            }
        });
        self.tasks.lock().expect("proxy tasks").push(accept);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.down();
    }
}

//! The local end of a forward: 127.0.0.1 on the port asked for, or a free port when it is busy.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;

/// Binds 127.0.0.1:`wanted`; when that port is taken, binds a free port and says why in the
/// note. Other errors (no loopback interface, no permission) are returned.
pub async fn bind_local(wanted: u16) -> io::Result<(TcpListener, Option<String>)> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, wanted));
    match TcpListener::bind(address).await {
        Ok(listener) => Ok((listener, None)),
        Err(error) if error.kind() == io::ErrorKind::AddrInUse && wanted != 0 => {
            let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
            let port = listener.local_addr()?.port();
            let note = format!("local port {wanted} is in use ({error}); using {port} instead");
            Ok((listener, Some(note)))
        }
        Err(error) => Err(error),
    }
}

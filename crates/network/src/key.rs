//! The node's persistent identity: an ed25519 key in the datadir (libp2p's
//! protobuf encoding), created on first start with mode 0600, so the peer id
//! survives restarts and bootnode addresses stay valid.

use libp2p::identity::Keypair;
use std::io::Write as _;
use std::path::Path;

/// Loads the key at `path`, or creates one there.
pub fn load_or_create(path: &Path) -> std::io::Result<Keypair> {
    match std::fs::read(path) {
        Ok(bytes) => Keypair::from_protobuf_encoding(&bytes).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("node key {} is not a libp2p key: {e}", path.display()),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = Keypair::generate_ed25519();
            let bytes = key
                .to_protobuf_encoding()
                .map_err(|e| std::io::Error::other(format!("encoding the node key: {e}")))?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            // Write to a temporary name and rename: a crash never leaves a
            // truncated key behind.
            let tmp = path.with_extension("tmp");
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt as _;
                options.mode(0o600);
            }
            let mut file = options.open(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            std::fs::rename(&tmp, path)?;
            Ok(key)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_persists_and_garbage_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p2p").join("node.key");
        let a = load_or_create(&path).expect("created");
        let b = load_or_create(&path).expect("loaded");
        assert_eq!(a.public().to_peer_id(), b.public().to_peer_id());
        std::fs::write(&path, b"not a key").expect("write");
        assert!(load_or_create(&path).is_err());
    }
}

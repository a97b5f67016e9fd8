//! The sync protocol (`/basalt/sync/1`): requests for a peer's status, headers
//! by number range or by hash (walking back through parents), and bodies by
//! hash. Messages are RLP, framed by a 4-byte big-endian length, with hard
//! size limits on both sides.
//!
//! ```text
//! request  = [0]                          status
//!          | [1, start, count]            canonical headers start.., ascending
//!          | [2, hash, count]             the block `hash` and its ancestors, newest first
//!          | [3, [hash, ...]]             bodies (transaction lists) of those blocks
//! response = [0, chainId, genesis, headHash, headNumber, totalWeight]
//!          | [1, [header, ...]]
//!          | [2, [[tx, ...], ...]]        one list per hash answered, in order; may stop early
//!          | [3, message]                 the request was refused
//! ```

use basalt_primitives::rlp::RlpStream;
use basalt_primitives::{DecodeError, Header, RlpItem, SignedTransaction, H256, U256};
use futures::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use libp2p::StreamProtocol;
use std::io;

/// The sync protocol's name.
pub const SYNC_PROTOCOL: StreamProtocol = StreamProtocol::new("/basalt/sync/1");

/// Largest request accepted (a bodies request for [`MAX_BODIES`] hashes is ~4 KiB).
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;
/// Largest response accepted.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// Most headers in one response.
pub const MAX_HEADERS: u32 = 512;
/// Most bodies asked for in one request.
pub const MAX_BODIES: usize = 128;
/// A bodies response stops adding bodies past this size (the asker requests
/// the rest again); stays well under [`MAX_RESPONSE_BYTES`] since one body is
/// bounded by the block gas limit.
pub const SOFT_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Why a sync message was refused.
#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    /// Not well-formed RLP of the expected shape.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Well-formed but not a valid message.
    #[error("{0}")]
    Invalid(&'static str),
}

/// A request to a peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncRequest {
    /// The peer's chain and head.
    Status,
    /// Canonical headers `start..start+count`, ascending.
    HeadersByNumber {
        /// First block number.
        start: u64,
        /// How many (at most [`MAX_HEADERS`] are answered).
        count: u32,
    },
    /// The block `hash` and up to `count - 1` ancestors, newest first.
    HeadersByHash {
        /// The newest block.
        hash: H256,
        /// How many (at most [`MAX_HEADERS`] are answered).
        count: u32,
    },
    /// The transactions of these blocks.
    Bodies(Vec<H256>),
}

/// A peer's chain and head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// Chain id.
    pub chain_id: u64,
    /// Genesis block hash.
    pub genesis: H256,
    /// Head block hash.
    pub head_hash: H256,
    /// Head block number.
    pub head_number: u64,
    /// Total fork-choice weight of the head.
    pub total_weight: U256,
}

/// A peer's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncResponse {
    /// Answer to [`SyncRequest::Status`].
    Status(Status),
    /// Answer to a headers request.
    Headers(Vec<Header>),
    /// Answer to [`SyncRequest::Bodies`]: bodies for a prefix of the hashes.
    Bodies(Vec<Vec<SignedTransaction>>),
    /// The peer refused the request.
    Refused(String),
}

impl SyncRequest {
    /// RLP encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut s = RlpStream::new();
        match self {
            Self::Status => {
                s.begin_list(1);
                s.append(&0u8);
            }
            Self::HeadersByNumber { start, count } => {
                s.begin_list(3);
                s.append(&1u8);
                s.append(start);
                s.append(count);
            }
            Self::HeadersByHash { hash, count } => {
                s.begin_list(3);
                s.append(&2u8);
                s.append(hash);
                s.append(count);
            }
            Self::Bodies(hashes) => {
                s.begin_list(2);
                s.append(&3u8);
                s.append_list(hashes);
            }
        }
        s.out().to_vec()
    }

    /// Decodes a request; anything but the exact forms above is an error.
    pub fn decode(bytes: &[u8]) -> Result<Self, MessageError> {
        let item = RlpItem::parse_exact(bytes)?;
        let mut list = item.list("sync request")?;
        let kind = list.next_item()?.u64("request kind")?;
        let request = match kind {
            0 => Self::Status,
            1 => Self::HeadersByNumber {
                start: list.next_item()?.u64("start")?,
                count: u32_field(list.next_item()?, "count")?,
            },
            2 => Self::HeadersByHash {
                hash: list.next_item()?.h256("hash")?,
                count: u32_field(list.next_item()?, "count")?,
            },
            3 => {
                let hashes = list.next_item()?.list("hashes")?.map_all(|h| h.h256("hash"))?;
                if hashes.len() > MAX_BODIES {
                    return Err(MessageError::Invalid("too many hashes in a bodies request"));
                }
                Self::Bodies(hashes)
            }
            _ => return Err(MessageError::Invalid("unknown request kind")),
        };
        if !list.is_empty() {
            return Err(MessageError::Invalid("extra fields in a sync request"));
        }
        Ok(request)
    }
}

fn u32_field(item: RlpItem<'_>, field: &'static str) -> Result<u32, MessageError> {
    u32::try_from(item.u64(field)?).map_err(|_| MessageError::Invalid("count above u32"))
}

impl SyncResponse {
    /// RLP encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut s = RlpStream::new();
        match self {
            Self::Status(st) => {
                s.begin_list(6);
                s.append(&0u8);
                s.append(&st.chain_id);
                s.append(&st.genesis);
                s.append(&st.head_hash);
                s.append(&st.head_number);
                s.append(&st.total_weight);
            }
            Self::Headers(headers) => {
                s.begin_list(2);
                s.append(&1u8);
                s.append_list(headers);
            }
            Self::Bodies(bodies) => {
                s.begin_list(2);
                s.append(&2u8);
                s.begin_list(bodies.len());
                for body in bodies {
                    s.append_list(body);
                }
            }
            Self::Refused(message) => {
                s.begin_list(2);
                s.append(&3u8);
                s.append(&message.as_bytes());
            }
        }
        s.out().to_vec()
    }

    /// Decodes a response.
    pub fn decode(bytes: &[u8]) -> Result<Self, MessageError> {
        let item = RlpItem::parse_exact(bytes)?;
        let mut list = item.list("sync response")?;
        let kind = list.next_item()?.u64("response kind")?;
        let response = match kind {
            0 => Self::Status(Status {
                chain_id: list.next_item()?.u64("chain id")?,
                genesis: list.next_item()?.h256("genesis")?,
                head_hash: list.next_item()?.h256("head hash")?,
                head_number: list.next_item()?.u64("head number")?,
                total_weight: list.next_item()?.u256("total weight")?,
            }),
            1 => {
                let headers = list.next_item()?.list("headers")?.map_all(Header::from_item)?;
                if headers.len() > MAX_HEADERS as usize {
                    return Err(MessageError::Invalid("too many headers in a response"));
                }
                Self::Headers(headers)
            }
            2 => {
                let bodies = list.next_item()?.list("bodies")?.map_all(|body| {
                    body.list("body")?.map_all(SignedTransaction::from_body_item)
                })?;
                if bodies.len() > MAX_BODIES {
                    return Err(MessageError::Invalid("too many bodies in a response"));
                }
                Self::Bodies(bodies)
            }
            3 => {
                let message = list.next_item()?.bytes("message")?;
                Self::Refused(String::from_utf8_lossy(message).into_owned())
            }
            _ => return Err(MessageError::Invalid("unknown response kind")),
        };
        if !list.is_empty() {
            return Err(MessageError::Invalid("extra fields in a sync response"));
        }
        Ok(response)
    }
}

/// Length-prefixed RLP framing for the request-response behaviour.
#[derive(Clone, Copy, Debug, Default)]
pub struct SyncCodec;

async fn read_frame<T: AsyncRead + Unpin + Send>(io: &mut T, max: usize) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    io.read_exact(&mut len).await?;
    let len = u32::from_be_bytes(len) as usize;
    if len > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("message of {len} bytes exceeds the limit of {max}"),
        ));
    }
    let mut buf = vec![0u8; len];
    io.read_exact(&mut buf).await?;
    Ok(buf)
}

async fn write_frame<T: AsyncWrite + Unpin + Send>(
    io: &mut T,
    bytes: &[u8],
    max: usize,
) -> io::Result<()> {
    if bytes.len() > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("message of {} bytes exceeds the limit of {max}", bytes.len()),
        ));
    }
    let len = u32::try_from(bytes.len()).map_err(|_| io::ErrorKind::InvalidInput)?;
    io.write_all(&len.to_be_bytes()).await?;
    io.write_all(bytes).await?;
    io.close().await
}

fn invalid(e: MessageError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

impl libp2p::request_response::Codec for SyncCodec {
    type Protocol = StreamProtocol;
    type Request = SyncRequest;
    type Response = SyncResponse;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<SyncRequest>
    where
        T: AsyncRead + Unpin + Send,
    {
        SyncRequest::decode(&read_frame(io, MAX_REQUEST_BYTES).await?).map_err(invalid)
    }

    async fn read_response<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<SyncResponse>
    where
        T: AsyncRead + Unpin + Send,
    {
        SyncResponse::decode(&read_frame(io, MAX_RESPONSE_BYTES).await?).map_err(invalid)
    }

    async fn write_request<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        req: SyncRequest,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_frame(io, &req.encode(), MAX_REQUEST_BYTES).await
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        res: SyncResponse,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_frame(io, &res.encode(), MAX_RESPONSE_BYTES).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip() {
        for r in [
            SyncRequest::Status,
            SyncRequest::HeadersByNumber { start: 7, count: 128 },
            SyncRequest::HeadersByHash { hash: H256::repeat_byte(3), count: 2 },
            SyncRequest::Bodies(vec![H256::repeat_byte(1), H256::repeat_byte(2)]),
            SyncRequest::Bodies(vec![]),
        ] {
            assert_eq!(SyncRequest::decode(&r.encode()).expect("decodes"), r);
        }
    }

    #[test]
    fn responses_round_trip() {
        let header = Header { number: 9, gas_limit: 30_000_000, ..Header::default() };
        for r in [
            SyncResponse::Status(Status {
                chain_id: 31337,
                genesis: H256::repeat_byte(1),
                head_hash: H256::repeat_byte(2),
                head_number: 500,
                total_weight: U256::from(123_456_789u64),
            }),
            SyncResponse::Headers(vec![header.clone(), header]),
            SyncResponse::Bodies(vec![vec![], vec![]]),
            SyncResponse::Refused("no".into()),
        ] {
            assert_eq!(SyncResponse::decode(&r.encode()).expect("decodes"), r);
        }
    }

    #[test]
    fn malformed_messages_are_errors() {
        assert!(SyncRequest::decode(&[]).is_err());
        assert!(SyncRequest::decode(&[0xc1, 0x09]).is_err(), "unknown kind");
        assert!(SyncRequest::decode(&[0xc2, 0x00, 0x00]).is_err(), "extra field");
        let too_many = SyncRequest::Bodies(vec![H256::zero(); MAX_BODIES + 1]).encode();
        assert!(SyncRequest::decode(&too_many).is_err());
        let mut status = SyncRequest::Status.encode();
        status.push(0);
        assert!(SyncRequest::decode(&status).is_err(), "trailing bytes");
        assert!(SyncResponse::decode(&[0xc1, 0x07]).is_err());
    }

    #[test]
    fn frames_enforce_limits() {
        futures::executor::block_on(async {
            let mut buf = Vec::new();
            let big = vec![0u8; 100];
            assert!(write_frame(&mut futures::io::Cursor::new(&mut buf), &big, 10).await.is_err());
            let mut framed = (200u32).to_be_bytes().to_vec();
            framed.extend(vec![0u8; 200]);
            let err = read_frame(&mut futures::io::Cursor::new(framed), 100).await;
            assert!(err.is_err());
        });
    }
}

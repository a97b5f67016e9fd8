//! The server: every namespace merged into one module, served over HTTP and
//! WebSocket on one port, with request limits, hex subscription ids and
//! geth's wording for unknown methods.

use crate::context::RpcContext;
use crate::namespaces::{admin, anvil, eth, evm, net, personal, pubsub, txpool, web3};
use basalt_primitives::keccak256;
use jsonrpsee::core::middleware::{
    Batch, BatchEntry, BatchEntryErr, Notification, RpcServiceBuilder, RpcServiceT,
};
use jsonrpsee::server::{BatchRequestConfig, IdProvider, Server, ServerConfig, ServerHandle};
use jsonrpsee::types::{ErrorObjectOwned, Request, SubscriptionId};
use jsonrpsee::{MethodResponse, Methods, RpcModule};
use std::collections::HashSet;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tower_http::cors::{Any, CorsLayer};
use tracing::info;

const TARGET: &str = "basalt::rpc";

/// Limits of the server.
#[derive(Clone, Debug)]
pub struct ServerLimits {
    /// Largest request body, in bytes.
    pub max_request_body: u32,
    /// Largest response body, in bytes.
    pub max_response_body: u32,
    /// Most open connections.
    pub max_connections: u32,
    /// Most calls in one batch.
    pub max_batch_len: u32,
    /// Most subscriptions per WebSocket connection.
    pub max_subscriptions_per_connection: u32,
    /// Answer browsers' CORS preflights, allowing any origin (a dev node
    /// serves dapps from any local port, as anvil does).
    pub cors_any_origin: bool,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            max_request_body: 15 * 1024 * 1024,
            max_response_body: 150 * 1024 * 1024,
            max_connections: 500,
            max_batch_len: 1000,
            max_subscriptions_per_connection: 1024,
            cors_any_origin: true,
        }
    }
}

/// Every namespace in one module.
pub fn rpc_module(
    ctx: Arc<RpcContext>,
) -> Result<RpcModule<()>, jsonrpsee::core::RegisterMethodError> {
    use admin::AdminApiServer as _;
    use anvil::AnvilApiServer as _;
    use eth::EthApiServer as _;
    use evm::EvmApiServer as _;
    use net::NetApiServer as _;
    use personal::PersonalApiServer as _;
    use pubsub::EthPubSubApiServer as _;
    use txpool::TxPoolApiServer as _;
    use web3::Web3ApiServer as _;
    let mut module = RpcModule::new(());
    module.merge(eth::EthApi::new(ctx.clone()).into_rpc())?;
    module.merge(pubsub::EthPubSub::new(ctx.clone()).into_rpc())?;
    module.merge(net::NetApi::new(ctx.clone()).into_rpc())?;
    module.merge(web3::Web3Api::new(ctx.clone()).into_rpc())?;
    module.merge(personal::PersonalApi::new(ctx.clone()).into_rpc())?;
    module.merge(txpool::TxPoolApi::new(ctx.clone()).into_rpc())?;
    module.merge(evm::EvmApi::new(ctx.clone()).into_rpc())?;
    module.merge(admin::AdminApi::new(ctx.clone()).into_rpc())?;
    module.merge(anvil::AnvilApi::new(ctx).into_rpc())?;
    Ok(module)
}

/// Starts the server on `addr` (port 0 picks one); returns the bound address
/// and the handle that stops it.
pub async fn start_server(
    ctx: Arc<RpcContext>,
    addr: SocketAddr,
    limits: &ServerLimits,
) -> std::io::Result<(SocketAddr, ServerHandle)> {
    let module = rpc_module(ctx).map_err(std::io::Error::other)?;
    let methods: Methods = module.into();
    let known: Arc<HashSet<String>> = Arc::new(methods.method_names().map(str::to_owned).collect());
    let config = ServerConfig::builder()
        .max_request_body_size(limits.max_request_body)
        .max_response_body_size(limits.max_response_body)
        .max_connections(limits.max_connections)
        .max_subscriptions_per_connection(limits.max_subscriptions_per_connection)
        .set_batch_request_config(BatchRequestConfig::Limit(limits.max_batch_len))
        .set_id_provider(HexIdProvider::default())
        .build();
    let middleware = RpcServiceBuilder::new()
        .layer_fn(move |inner| UnknownMethod { inner, known: known.clone() });
    let cors = limits
        .cors_any_origin
        .then(|| CorsLayer::new().allow_origin(Any).allow_headers(Any).allow_methods(Any));
    let http = tower::ServiceBuilder::new().option_layer(cors);
    let server = Server::builder()
        .set_config(config)
        .set_http_middleware(http)
        .set_rpc_middleware(middleware)
        .build(addr)
        .await?;
    let local = server.local_addr()?;
    let handle = server.start(methods);
    info!(target: TARGET, %local, "JSON-RPC server listening (HTTP and WebSocket)");
    Ok((local, handle))
}

/// Subscription ids as geth gives them: `0x` and 32 hex digits.
#[derive(Debug, Default)]
struct HexIdProvider {
    counter: AtomicU64,
}

impl IdProvider for HexIdProvider {
    fn next_id(&self) -> SubscriptionId<'static> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let mut seed = n.to_be_bytes().to_vec();
        seed.extend_from_slice(&nanos.to_be_bytes());
        seed.extend_from_slice(&std::process::id().to_be_bytes());
        let hash = keccak256(seed);
        SubscriptionId::Str(format!("0x{}", hex::encode(&hash.as_bytes()[..16])).into())
    }
}

/// Answers unknown methods with geth's message, which ethers matches.
#[derive(Clone)]
struct UnknownMethod<S> {
    inner: S,
    known: Arc<HashSet<String>>,
}

fn unknown(method: &str) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(
        -32601,
        format!("the method {method} does not exist/is not available"),
        None::<()>,
    )
}

impl<S> RpcServiceT for UnknownMethod<S>
where
    S: RpcServiceT<MethodResponse = MethodResponse> + Send + Sync + Clone + 'static,
{
    type MethodResponse = S::MethodResponse;
    type NotificationResponse = S::NotificationResponse;
    type BatchResponse = S::BatchResponse;

    fn call<'a>(
        &self,
        request: Request<'a>,
    ) -> impl Future<Output = Self::MethodResponse> + Send + 'a {
        let inner = self.inner.clone();
        let known = self.known.clone();
        async move {
            if known.contains(request.method_name()) {
                inner.call(request).await
            } else {
                MethodResponse::error(request.id(), unknown(request.method_name()))
            }
        }
    }

    fn batch<'a>(
        &self,
        mut batch: Batch<'a>,
    ) -> impl Future<Output = Self::BatchResponse> + Send + 'a {
        for entry in batch.iter_mut() {
            let replacement = match entry {
                Ok(BatchEntry::Call(request)) if !self.known.contains(request.method_name()) => {
                    Some(BatchEntryErr::new(request.id(), unknown(request.method_name())))
                }
                _ => None,
            };
            if let Some(error) = replacement {
                *entry = Err(error);
            }
        }
        self.inner.batch(batch)
    }

    fn notification<'a>(
        &self,
        n: Notification<'a>,
    ) -> impl Future<Output = Self::NotificationResponse> + Send + 'a {
        self.inner.notification(n)
    }
}

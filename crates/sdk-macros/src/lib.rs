//! Procedural macros of `basalt-sdk`; use them through `basalt_sdk::{contract,
//! storage, methods, event, error, interface}` (the generated code names
//! `::basalt_sdk`).
//!
//! Everything ABI is decided here, at compile time, from the Rust spelling
//! of types (module `types`): Solidity type names, signatures, selectors and
//! event topics (keccak256 in the macro), and the JSON ABI entries. The
//! generated code then uses `alloy_sol_types::sol_data` types for encoding,
//! which makes the compiler check every guess against the real Rust types.
//!
//! ```text
//! #[contract]/#[storage] struct ─► StorageHandle::at(slot): fields at slot, slot+1, …
//! #[event] struct              ─► Event: SIGNATURE, TOPIC0, ABI_ENTRY, topics(), data()
//! #[error] struct/enum         ─► ContractError: ABI_ENTRIES, abi_encode(); abi_decode()
//! #[methods] impl              ─► Contract: NAME, ABI_JSON, dispatch(), construct();
//!                                 <METHOD>_SELECTOR consts; wasm32 exports and `basalt.abi`
//! #[interface] trait           ─► client struct: new(address), one typed call per function
//! ```

mod error;
mod event;
mod interface;
mod method;
mod methods;
mod storage;
mod types;

use proc_macro::TokenStream;
use syn::parse_macro_input;

fn no_args(args: TokenStream, what: &str) -> Result<(), TokenStream> {
    if args.is_empty() {
        Ok(())
    } else {
        let msg = format!("#[{what}] takes no arguments");
        Err(syn::Error::new(
            proc_macro2::TokenStream::from(args)
                .into_iter()
                .next()
                .map_or_else(proc_macro2::Span::call_site, |t| t.span()),
            msg,
        )
        .to_compile_error()
        .into())
    }
}

/// A contract's storage: a struct whose named fields are storage handles
/// (`Storage<T>`, `Mapping<K, V>`, `StorageVec<T>`, `#[storage]` structs),
/// laid out from slot 0 in declaration order, one or more slots per field and
/// no packing. Pair it with a `#[methods]` impl block.
#[proc_macro_attribute]
pub fn contract(args: TokenStream, input: TokenStream) -> TokenStream {
    if let Err(e) = no_args(args, "contract") {
        return e;
    }
    let item = parse_macro_input!(input as syn::ItemStruct);
    storage::expand(item).unwrap_or_else(|e| e.to_compile_error()).into()
}

/// A struct of storage handles usable inside storage: as a mapping value, an
/// array element or a field. Its fields take consecutive slots from its own.
#[proc_macro_attribute]
pub fn storage(args: TokenStream, input: TokenStream) -> TokenStream {
    if let Err(e) = no_args(args, "storage") {
        return e;
    }
    let item = parse_macro_input!(input as syn::ItemStruct);
    storage::expand(item).unwrap_or_else(|e| e.to_compile_error()).into()
}

/// The ABI of a contract: on the inherent `impl` block of a `#[contract]`
/// struct. `pub fn`s are ABI functions (name: lowerCamelCase, or
/// `#[selector(name = "...")]`; `&self` view, `&mut self` nonpayable or
/// `#[payable]`, no self pure or `#[view]`); `#[constructor]`, `#[receive]`
/// and `#[fallback]` mark the special functions. Arguments:
/// `events(Transfer, ...)` and `errors(MyError, ...)` add those to the ABI
/// (error types in `Result` return types are added automatically).
#[proc_macro_attribute]
pub fn methods(args: TokenStream, input: TokenStream) -> TokenStream {
    let args = match methods::MethodsArgs::parse(args.into()) {
        Ok(a) => a,
        Err(e) => return e.to_compile_error().into(),
    };
    let item = parse_macro_input!(input as syn::ItemImpl);
    methods::expand(args, item).unwrap_or_else(|e| e.to_compile_error()).into()
}

/// A Solidity event: a struct with named fields, `#[indexed]` on up to three
/// (four with `#[event(anonymous)]`). Emit it with `Event::emit`.
#[proc_macro_attribute]
pub fn event(args: TokenStream, input: TokenStream) -> TokenStream {
    let args = match event::EventArgs::parse(args.into()) {
        Ok(a) => a,
        Err(e) => return e.to_compile_error().into(),
    };
    let item = parse_macro_input!(input as syn::ItemStruct);
    event::expand(args, item).unwrap_or_else(|e| e.to_compile_error()).into()
}

/// Solidity custom errors: a struct (one error named after it) or an enum
/// (one error per variant, named after the variant). Implements
/// `ContractError`, so methods can return `Result<T, ThisError>`.
#[proc_macro_attribute]
pub fn error(args: TokenStream, input: TokenStream) -> TokenStream {
    if let Err(e) = no_args(args, "error") {
        return e;
    }
    let item = parse_macro_input!(input as syn::Item);
    error::expand(item).unwrap_or_else(|e| e.to_compile_error()).into()
}

/// A typed client for another contract: a trait of its functions (`&self`:
/// static call, `&mut self`: call) becomes a struct of the same name holding
/// the address, with one method per function returning
/// `Result<T, CallError>`.
#[proc_macro_attribute]
pub fn interface(args: TokenStream, input: TokenStream) -> TokenStream {
    if let Err(e) = no_args(args, "interface") {
        return e;
    }
    let item = parse_macro_input!(input as syn::ItemTrait);
    interface::expand(item).unwrap_or_else(|e| e.to_compile_error()).into()
}

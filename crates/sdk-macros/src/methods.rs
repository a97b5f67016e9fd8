//! `#[methods]`: a contract's ABI functions, dispatcher, entry points and
//! ABI JSON.

use crate::method::{
    function_json, inputs, mutability, MethodAttrs, Outputs, Param, Receiver, Returns,
};
use crate::types::{byte_array, camel, decode_expr, selector, signature, upper_snake, SolTy};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{ImplItem, ItemImpl, Type, Visibility};

/// Arguments: `#[methods(events(A, B), errors(E, F))]`.
#[derive(Default)]
pub(crate) struct MethodsArgs {
    events: Vec<syn::Path>,
    errors: Vec<Type>,
}

impl MethodsArgs {
    pub(crate) fn parse(args: TokenStream) -> syn::Result<Self> {
        let mut out = MethodsArgs::default();
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("events") {
                meta.parse_nested_meta(|inner| {
                    out.events.push(inner.path.clone());
                    Ok(())
                })
            } else if meta.path.is_ident("errors") {
                meta.parse_nested_meta(|inner| {
                    let path = inner.path.clone();
                    out.errors.push(syn::parse_quote!(#path));
                    Ok(())
                })
            } else {
                Err(meta.error("expected `events(...)` or `errors(...)`"))
            }
        });
        syn::parse::Parser::parse2(parser, args)?;
        Ok(out)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Function,
    Constructor,
    Receive,
    Fallback,
}

struct AbiMethod {
    role: Role,
    ident: syn::Ident,
    receiver: Receiver,
    params: Vec<Param>,
    returns: Returns,
    mutability: &'static str,
    sol_name: String,
    /// A `#[fallback]` that takes the calldata as `&[u8]`.
    takes_calldata: bool,
    span: Span,
}

impl AbiMethod {
    fn signature(&self) -> String {
        let types: Vec<SolTy> = self.params.iter().map(|p| p.sol.clone()).collect();
        signature(&self.sol_name, &types)
    }

    fn selector(&self) -> [u8; 4] {
        selector(&self.signature())
    }

    fn payable(&self) -> bool {
        self.mutability == "payable"
    }
}

pub(crate) fn expand(args: MethodsArgs, mut item: ItemImpl) -> syn::Result<TokenStream> {
    if let Some((_, path, _)) = &item.trait_ {
        return Err(syn::Error::new(path.span(), "#[methods] goes on an inherent impl block"));
    }
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new(item.generics.span(), "contracts cannot be generic"));
    }
    let contract_name = match &*item.self_ty {
        Type::Path(p) if p.qself.is_none() => p
            .path
            .segments
            .last()
            .filter(|s| s.arguments.is_empty())
            .map(|s| s.ident.clone())
            .ok_or_else(|| syn::Error::new(p.span(), "expected a contract struct name"))?,
        other => return Err(syn::Error::new(other.span(), "expected a contract struct name")),
    };
    let self_ty = item.self_ty.clone();

    let mut methods = Vec::new();
    for impl_item in &mut item.items {
        let ImplItem::Fn(f) = impl_item else { continue };
        let attrs = MethodAttrs::take(&mut f.attrs)?;
        let special = [attrs.constructor, attrs.receive, attrs.fallback];
        let role = match special {
            [None, None, None] => Role::Function,
            [Some(_), None, None] => Role::Constructor,
            [None, Some(_), None] => Role::Receive,
            [None, None, Some(_)] => Role::Fallback,
            _ => {
                return Err(syn::Error::new(
                    f.sig.span(),
                    "a method is at most one of #[constructor], #[receive], #[fallback]",
                ))
            }
        };
        let is_pub = matches!(f.vis, Visibility::Public(_));
        if role == Role::Function && !is_pub {
            let marked = [attrs.payable, attrs.view, attrs.pure].iter().any(Option::is_some)
                || attrs.name.is_some();
            if marked {
                return Err(syn::Error::new(
                    f.sig.span(),
                    "only `pub` methods are ABI functions; make it `pub` or drop the attribute",
                ));
            }
            continue;
        }
        if role == Role::Constructor {
            // Constructors are naturally called `new` and return `()`.
            f.attrs.push(syn::parse_quote!(#[allow(clippy::new_ret_no_self)]));
        }
        methods.push(abi_method(role, &f.sig, attrs)?);
    }

    for role in [Role::Constructor, Role::Receive, Role::Fallback] {
        let mut of_role = methods.iter().filter(|m| m.role == role);
        if let (Some(_), Some(second)) = (of_role.next(), of_role.next()) {
            return Err(syn::Error::new(second.span, "only one such method per contract"));
        }
    }
    let functions: Vec<&AbiMethod> = methods.iter().filter(|m| m.role == Role::Function).collect();
    for (i, m) in functions.iter().enumerate() {
        if let Some(prev) = functions[..i].iter().find(|p| p.selector() == m.selector()) {
            return Err(syn::Error::new(
                m.span,
                format!(
                    "selector 0x{} of `{}` collides with `{}`",
                    hex4(m.selector()),
                    m.signature(),
                    prev.signature()
                ),
            ));
        }
    }
    let constructor = methods.iter().find(|m| m.role == Role::Constructor);
    let receive = methods.iter().find(|m| m.role == Role::Receive);
    let fallback = methods.iter().find(|m| m.role == Role::Fallback);

    let p = quote!(::basalt_sdk::__private);

    // Selector constants.
    let selector_consts = functions.iter().map(|m| {
        let name = format_ident!("{}_SELECTOR", upper_snake(&m.ident));
        let sel = byte_array(&m.selector());
        let doc = format!("Selector of `{}`.", m.signature());
        quote!(#[doc = #doc] pub const #name: [u8; 4] = #sel;)
    });

    // Dispatch arms.
    let arms = functions.iter().map(|m| {
        let sel = byte_array(&m.selector());
        let body = call_body(m, &quote!(params));
        quote!(#sel => #body)
    });
    let fallback_call = match fallback {
        Some(m) => fallback_body(m),
        None => quote!(#p::Result::Err(#p::Vec::new())),
    };
    let short_calldata = match receive {
        Some(m) => {
            let body = call_body(m, &quote!(&[]));
            quote!(if calldata.is_empty() { #body } else { #fallback_call })
        }
        None => fallback_call.clone(),
    };

    let construct_body = match constructor {
        Some(m) => {
            let body = call_body(m, &quote!(args));
            quote!(let __out: #p::Result<#p::Vec<u8>, #p::Vec<u8>> = #body; __out.map(|_| ()))
        }
        None => quote!(if args.is_empty() {
            #p::Result::Ok(())
        } else {
            #p::Result::Err(#p::Vec::new())
        }),
    };
    let has_constructor = constructor.is_some();

    // ABI JSON entries: constructor, functions, receive, fallback, events, errors.
    let mut entries: Vec<TokenStream> = Vec::new();
    if let Some(c) = constructor {
        let inputs: Vec<String> = c.params.iter().map(Param::json).collect();
        // ethers v6 reads a constructor's payability from the legacy
        // `payable` key only (not `stateMutability`), so a payable
        // constructor says both.
        let legacy = if c.payable() { r#","payable":true"# } else { "" };
        let json = format!(
            r#"{{"type":"constructor","inputs":[{}],"stateMutability":"{}"{legacy}}}"#,
            inputs.join(","),
            c.mutability
        );
        entries.push(quote!(#json));
    }
    for m in &functions {
        let json = function_json(&m.sol_name, &m.params, &m.returns.outputs, m.mutability);
        entries.push(quote!(#json));
    }
    if receive.is_some() {
        entries.push(quote!(r#"{"type":"receive","stateMutability":"payable"}"#));
    }
    if let Some(f) = fallback {
        let json = format!(r#"{{"type":"fallback","stateMutability":"{}"}}"#, f.mutability);
        entries.push(quote!(#json));
    }
    for event in &args.events {
        entries.push(quote!(<#event as ::basalt_sdk::Event>::ABI_ENTRY));
    }
    let mut error_types: Vec<Type> = Vec::new();
    let mut seen = Vec::new();
    for ty in
        methods.iter().filter_map(|m| m.returns.err.clone()).chain(args.errors.iter().cloned())
    {
        let key = quote!(#ty).to_string();
        if !seen.contains(&key) {
            seen.push(key);
            error_types.push(ty);
        }
    }
    for ty in &error_types {
        entries.push(quote!(<#ty as ::basalt_sdk::ContractError>::ABI_ENTRIES));
    }
    let header = format!(r#"{{"contractName":"{contract_name}","abi":["#);
    let name_str = contract_name.to_string();

    let constructor_export = has_constructor.then(|| {
        quote! {
            #[cfg(target_arch = "wasm32")]
            #[allow(unsafe_code, unreachable_pub)]
            #[no_mangle]
            pub extern "C" fn user_constructor(len: usize) -> i32 {
                #p::run_constructor::<#self_ty>(len)
            }
        }
    });

    Ok(quote! {
        #item

        impl #self_ty {
            #(#selector_consts)*

            /// The contract's ABI document, `{"contractName":…,"abi":[…]}`
            /// (also the wasm custom section `basalt.abi`).
            pub const ABI_JSON: &'static str = <Self as ::basalt_sdk::Contract>::ABI_JSON;
        }

        const _: () = {
            const HEADER: &str = #header;
            const FOOTER: &str = "]}";
            const ENTRIES: &[&str] = &[#(#entries),*];
            const LEN: usize = #p::abi_document_len(HEADER, ENTRIES, FOOTER);
            const BYTES: [u8; LEN] = #p::abi_document::<LEN>(HEADER, ENTRIES, FOOTER);

            // The ABI as the wasm custom section `basalt.abi`. rustc keeps a
            // `#[link_section]` static as a custom section on wasm32 without
            // `#[used]`; with `#[used]` it would also keep a copy in the data
            // segment (measured: +1.1 KB for the counter), which stripping
            // custom sections does not remove.
            #[cfg(target_arch = "wasm32")]
            #[allow(unsafe_code)]
            #[link_section = "basalt.abi"]
            static BASALT_ABI: [u8; LEN] = BYTES;

            #[cfg(target_arch = "wasm32")]
            #[allow(unsafe_code, unreachable_pub)]
            #[no_mangle]
            pub extern "C" fn user_entrypoint(len: usize) -> i32 {
                #p::run_entrypoint::<#self_ty>(len)
            }

            #constructor_export

            impl ::basalt_sdk::Contract for #self_ty {
                const NAME: &'static str = #name_str;
                const ABI_JSON: &'static str = #p::document_str(&BYTES);
                const HAS_CONSTRUCTOR: bool = #has_constructor;

                fn dispatch(calldata: &[u8]) -> #p::Result<#p::Vec<u8>, #p::Vec<u8>> {
                    let ::core::option::Option::Some((selector, params)) = calldata.split_first_chunk::<4>() else {
                        return #short_calldata;
                    };
                    let _ = params;
                    match *selector {
                        #(#arms,)*
                        _ => #fallback_call,
                    }
                }

                fn construct(args: &[u8]) -> #p::Result<(), #p::Vec<u8>> {
                    #construct_body
                }
            }
        };
    })
}

fn abi_method(role: Role, sig: &syn::Signature, attrs: MethodAttrs) -> syn::Result<AbiMethod> {
    let (receiver, params, takes_calldata) = match role {
        // The fallback may take the raw calldata as `&[u8]`, which is not an
        // ABI type: read its receiver only.
        Role::Fallback => {
            let (receiver, takes_calldata) = fallback_receiver(sig)?;
            (receiver, Vec::new(), takes_calldata)
        }
        _ => {
            let (receiver, params) = inputs(sig)?;
            (receiver, params, false)
        }
    };
    let span = sig.span();
    let returns = match role {
        Role::Fallback => Returns::parse(&syn::ReturnType::Default, true)?,
        _ => Returns::parse(&sig.output, true)?,
    };
    let mut mutability = mutability(receiver, &attrs)?;
    match role {
        Role::Function => {}
        Role::Constructor => {
            if receiver != Receiver::Mut {
                return Err(syn::Error::new(span, "the constructor takes `&mut self`"));
            }
            if !matches!(returns.outputs, Outputs::Unit) {
                return Err(syn::Error::new(
                    span,
                    "the constructor returns `()` or `Result<(), E>`",
                ));
            }
        }
        Role::Receive => {
            if receiver != Receiver::Mut || !params.is_empty() {
                return Err(syn::Error::new(span, "#[receive] takes `&mut self` and nothing else"));
            }
            if !matches!(returns.outputs, Outputs::Unit) {
                return Err(syn::Error::new(span, "#[receive] returns `()` or `Result<(), E>`"));
            }
            mutability = "payable";
        }
        Role::Fallback => {
            mutability = if attrs.payable.is_some() { "payable" } else { "nonpayable" };
        }
    }
    if attrs.name.is_some() && role != Role::Function {
        return Err(syn::Error::new(span, "#[selector] applies to ABI functions only"));
    }
    let sol_name = attrs.name.clone().unwrap_or_else(|| camel(&sig.ident));
    let returns = if role == Role::Fallback { fallback_returns(sig)? } else { returns };
    Ok(AbiMethod {
        role,
        ident: sig.ident.clone(),
        receiver,
        params,
        returns,
        mutability,
        sol_name,
        takes_calldata,
        span,
    })
}

/// The receiver of a `#[fallback]` method, which takes nothing or the
/// calldata as `&[u8]`.
fn fallback_receiver(sig: &syn::Signature) -> syn::Result<(Receiver, bool)> {
    let mut receiver = Receiver::None;
    let mut others = 0;
    for arg in &sig.inputs {
        match arg {
            syn::FnArg::Receiver(r) if r.reference.is_some() => {
                receiver = if r.mutability.is_some() { Receiver::Mut } else { Receiver::Ref };
            }
            syn::FnArg::Receiver(r) => {
                return Err(syn::Error::new(r.span(), "take `&self` or `&mut self`, not `self`"))
            }
            syn::FnArg::Typed(t) => {
                let ok = matches!(&*t.ty, Type::Reference(r) if r.mutability.is_none()
                    && matches!(&*r.elem, Type::Slice(s) if matches!(&*s.elem, Type::Path(p) if p.path.is_ident("u8"))));
                if !ok {
                    return Err(syn::Error::new(
                        t.ty.span(),
                        "#[fallback] takes nothing or the calldata as `&[u8]`",
                    ));
                }
                others += 1;
            }
        }
    }
    if others > 1 || receiver == Receiver::None {
        return Err(syn::Error::new(
            sig.span(),
            "#[fallback] takes `&self`/`&mut self` and optionally `&[u8]`",
        ));
    }
    Ok((receiver, others == 1))
}

/// A fallback returns `()`, raw bytes (`Vec<u8>` / `Bytes`), or a `Result`
/// of those; raw bytes are the return data as they are (not ABI-encoded).
fn fallback_returns(sig: &syn::Signature) -> syn::Result<Returns> {
    let ty: Type = match &sig.output {
        syn::ReturnType::Default => syn::parse_quote!(()),
        syn::ReturnType::Type(_, ty) => (**ty).clone(),
    };
    let parsed = Returns::parse(&sig.output, true);
    let (ok_ty, err) = match parsed {
        Ok(r) => (r.ok_ty, r.err),
        // `Vec<u8>` parses as `uint8[]`; anything unparsable is checked below.
        Err(_) => (ty, None),
    };
    let is_unit = matches!(&ok_ty, Type::Tuple(t) if t.elems.is_empty());
    let is_raw = match &ok_ty {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| {
            s.ident == "Bytes"
                || (s.ident == "Vec" && quote!(#s).to_string().replace(' ', "") == "Vec<u8>")
        }),
        _ => false,
    };
    if !is_unit && !is_raw {
        return Err(syn::Error::new(
            ok_ty.span(),
            "#[fallback] returns `()`, `Vec<u8>` or `Bytes` (raw return data), or a Result of those",
        ));
    }
    Ok(Returns {
        outputs: if is_unit { Outputs::Unit } else { Outputs::Single(SolTy::Bytes, ok_ty.clone()) },
        ok_ty,
        err,
    })
}

/// Code that runs one ABI method on `data` (its encoded arguments) and
/// evaluates to `Result<Vec<u8>, Vec<u8>>`.
fn call_body(m: &AbiMethod, data: &TokenStream) -> TokenStream {
    let p = quote!(::basalt_sdk::__private);
    let value_check = (!m.payable())
        .then(|| quote!(if #p::value_sent() { return #p::Result::Err(#p::Vec::new()); }));
    let idents: Vec<_> = m.params.iter().map(|p| &p.ident).collect();
    let decode = (!m.params.is_empty()).then(|| {
        let sols: Vec<SolTy> = m.params.iter().map(|p| p.sol.clone()).collect();
        let tys: Vec<&Type> = m.params.iter().map(|p| &p.ty).collect();
        let expr = decode_expr(&sols, &tys, data);
        quote! {
            let (#(#idents,)*): (#(#tys,)*) = match #expr {
                ::core::option::Option::Some(values) => values,
                ::core::option::Option::None => return #p::Result::Err(#p::Vec::new()),
            };
        }
    });
    let ident = &m.ident;
    let call = instance_call(m.receiver, ident, &quote!(#(#idents),*));
    let finish = finish(&m.returns, &quote!(__ret));
    quote!({
        #value_check
        #decode
        let __ret = #call;
        #finish
    })
}

/// The fallback: value check, then the call with the whole calldata (if it
/// takes it), then raw return data.
fn fallback_body(m: &AbiMethod) -> TokenStream {
    let p = quote!(::basalt_sdk::__private);
    let value_check = (!m.payable())
        .then(|| quote!(if #p::value_sent() { return #p::Result::Err(#p::Vec::new()); }));
    let ident = &m.ident;
    let args = if m.takes_calldata { quote!(calldata) } else { quote!() };
    let call = instance_call(m.receiver, ident, &args);
    let ok = |v: TokenStream| match m.returns.outputs {
        Outputs::Unit => quote!({ let () = #v; #p::Vec::new() }),
        _ => quote!(::core::convert::Into::<#p::Vec<u8>>::into(#v)),
    };
    let finish = match &m.returns.err {
        None => {
            let ok = ok(quote!(__ret));
            quote!(#p::Result::Ok(#ok))
        }
        Some(_) => {
            let ok = ok(quote!(value));
            quote!(match __ret {
                #p::Result::Ok(value) => #p::Result::Ok(#ok),
                #p::Result::Err(error) => #p::Result::Err(::basalt_sdk::ContractError::abi_encode(&error)),
            })
        }
    };
    quote!({
        #value_check
        let __ret = #call;
        #finish
    })
}

fn instance_call(receiver: Receiver, ident: &syn::Ident, args: &TokenStream) -> TokenStream {
    let b256 = quote!(::basalt_sdk::__private::B256);
    let handle = quote!(::basalt_sdk::storage::StorageHandle);
    match receiver {
        Receiver::None => quote!(Self::#ident(#args)),
        Receiver::Ref => quote!({
            let __this = <Self as #handle>::at(#b256::ZERO);
            __this.#ident(#args)
        }),
        Receiver::Mut => quote!({
            let mut __this = <Self as #handle>::at(#b256::ZERO);
            __this.#ident(#args)
        }),
    }
}

/// Turns the method's return value `v` into `Result<return data, revert data>`.
fn finish(returns: &Returns, v: &TokenStream) -> TokenStream {
    let p = quote!(::basalt_sdk::__private);
    match &returns.err {
        None => {
            let enc = returns.outputs.encode(v);
            quote!(#p::Result::Ok(#enc))
        }
        Some(_) => {
            let enc = returns.outputs.encode(&quote!(value));
            quote!(match #v {
                #p::Result::Ok(value) => #p::Result::Ok(#enc),
                #p::Result::Err(error) => #p::Result::Err(::basalt_sdk::ContractError::abi_encode(&error)),
            })
        }
    }
}

fn hex4(b: [u8; 4]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

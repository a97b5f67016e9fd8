//! What `#[methods]` and `#[interface]` share: reading a method's
//! attributes, parameters and return type as ABI.

use crate::types::{camel, decode_expr, encode_expr, is_identifier, SolTy};
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, GenericArgument, Pat, PathArguments, ReturnType, Signature, Type};

/// The method's `self`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Receiver {
    /// No `self`: a pure (or `#[view]`) associated function.
    None,
    /// `&self`.
    Ref,
    /// `&mut self`.
    Mut,
}

/// Attributes the macros read (and remove) on a method.
#[derive(Default)]
pub(crate) struct MethodAttrs {
    pub(crate) constructor: Option<proc_macro2::Span>,
    pub(crate) payable: Option<proc_macro2::Span>,
    pub(crate) view: Option<proc_macro2::Span>,
    pub(crate) pure: Option<proc_macro2::Span>,
    pub(crate) receive: Option<proc_macro2::Span>,
    pub(crate) fallback: Option<proc_macro2::Span>,
    /// `#[selector(name = "...")]`.
    pub(crate) name: Option<String>,
}

impl MethodAttrs {
    /// Reads and removes the SDK's attributes from `attrs`.
    pub(crate) fn take(attrs: &mut Vec<Attribute>) -> syn::Result<Self> {
        let mut out = MethodAttrs::default();
        let mut kept = Vec::with_capacity(attrs.len());
        for attr in attrs.drain(..) {
            let path = attr.path();
            let span = attr.span();
            let flag = |slot: &mut Option<proc_macro2::Span>| -> syn::Result<()> {
                if slot.is_some() {
                    return Err(syn::Error::new(span, "duplicate attribute"));
                }
                attr.meta.require_path_only()?;
                *slot = Some(span);
                Ok(())
            };
            if path.is_ident("constructor") {
                flag(&mut out.constructor)?;
            } else if path.is_ident("payable") {
                flag(&mut out.payable)?;
            } else if path.is_ident("view") {
                flag(&mut out.view)?;
            } else if path.is_ident("pure") {
                flag(&mut out.pure)?;
            } else if path.is_ident("receive") {
                flag(&mut out.receive)?;
            } else if path.is_ident("fallback") {
                flag(&mut out.fallback)?;
            } else if path.is_ident("selector") {
                attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("name") {
                        let lit: syn::LitStr = meta.value()?.parse()?;
                        if !is_identifier(&lit.value()) {
                            return Err(syn::Error::new(lit.span(), "not a Solidity identifier"));
                        }
                        out.name = Some(lit.value());
                        Ok(())
                    } else {
                        Err(meta.error("expected `name = \"...\"`"))
                    }
                })?;
            } else {
                kept.push(attr);
            }
        }
        *attrs = kept;
        Ok(out)
    }
}

/// One ABI parameter.
pub(crate) struct Param {
    pub(crate) ident: syn::Ident,
    pub(crate) ty: Type,
    pub(crate) sol: SolTy,
}

impl Param {
    pub(crate) fn json(&self) -> String {
        self.sol.json_param(&camel(&self.ident), None)
    }
}

/// Reads the receiver and the parameters of a signature.
pub(crate) fn inputs(sig: &Signature) -> syn::Result<(Receiver, Vec<Param>)> {
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new(sig.generics.span(), "ABI methods cannot be generic"));
    }
    if sig.asyncness.is_some() {
        return Err(syn::Error::new(sig.span(), "ABI methods cannot be async"));
    }
    let mut receiver = Receiver::None;
    let mut params = Vec::new();
    for arg in &sig.inputs {
        match arg {
            FnArg::Receiver(r) => {
                if r.reference.is_none() {
                    return Err(syn::Error::new(
                        r.span(),
                        "take `&self` or `&mut self`, not `self`",
                    ));
                }
                receiver = if r.mutability.is_some() { Receiver::Mut } else { Receiver::Ref };
            }
            FnArg::Typed(t) => {
                let Pat::Ident(pat) = &*t.pat else {
                    return Err(syn::Error::new(
                        t.pat.span(),
                        "ABI parameters must be plain identifiers",
                    ));
                };
                if pat.by_ref.is_some() || pat.subpat.is_some() {
                    return Err(syn::Error::new(
                        t.pat.span(),
                        "ABI parameters must be plain identifiers",
                    ));
                }
                let sol = SolTy::from_rust(&t.ty)?;
                params.push(Param { ident: pat.ident.clone(), ty: (*t.ty).clone(), sol });
            }
        }
    }
    Ok((receiver, params))
}

/// The success value of a method, as ABI outputs.
#[derive(Clone)]
pub(crate) enum Outputs {
    /// `()`: no outputs.
    Unit,
    /// One output (and its Rust type).
    Single(SolTy, Type),
    /// A Rust tuple: one output per element (and their Rust types).
    Multi(Vec<SolTy>, Vec<Type>),
}

impl Outputs {
    pub(crate) fn from_type(ty: &Type) -> syn::Result<Outputs> {
        match ty {
            Type::Tuple(t) if t.elems.is_empty() => Ok(Outputs::Unit),
            Type::Tuple(t) => Ok(Outputs::Multi(
                t.elems.iter().map(SolTy::from_rust).collect::<syn::Result<_>>()?,
                t.elems.iter().cloned().collect(),
            )),
            Type::Paren(p) => Outputs::from_type(&p.elem),
            _ => Ok(Outputs::Single(SolTy::from_rust(ty)?, ty.clone())),
        }
    }

    pub(crate) fn sol_types(&self) -> Vec<SolTy> {
        match self {
            Outputs::Unit => Vec::new(),
            Outputs::Single(t, _) => vec![t.clone()],
            Outputs::Multi(ts, _) => ts.clone(),
        }
    }

    pub(crate) fn json(&self) -> String {
        self.sol_types().iter().map(|t| t.json_param("", None)).collect::<Vec<_>>().join(",")
    }

    /// Code that ABI-encodes the owned value `v` of this type (return data).
    pub(crate) fn encode(&self, v: &TokenStream) -> TokenStream {
        let p = quote!(::basalt_sdk::__private);
        match self {
            Outputs::Unit => quote!({ let () = #v; #p::Vec::new() }),
            Outputs::Single(t, _) => {
                encode_expr(std::slice::from_ref(t), std::slice::from_ref(v), false)
            }
            Outputs::Multi(ts, _) => {
                let names: Vec<TokenStream> = (0..ts.len())
                    .map(|i| {
                        let n = quote::format_ident!("__o{i}");
                        quote!(#n)
                    })
                    .collect();
                let enc = encode_expr(ts, &names, false);
                quote!({ let (#(#names,)*) = #v; #enc })
            }
        }
    }

    /// Code that decodes return data `data` into this type, as an
    /// `Option`.
    pub(crate) fn decode(&self, data: &TokenStream) -> TokenStream {
        match self {
            Outputs::Unit => quote!(::core::option::Option::Some(())),
            Outputs::Single(t, ty) => {
                let d = decode_expr(std::slice::from_ref(t), &[ty], data);
                quote!(#d.map(|(v,)| v))
            }
            Outputs::Multi(ts, tys) => {
                let tys: Vec<&Type> = tys.iter().collect();
                decode_expr(ts, &tys, data)
            }
        }
    }
}

/// A method's return type: its outputs and, for `Result<T, E>`, its error type.
pub(crate) struct Returns {
    pub(crate) outputs: Outputs,
    /// The Rust type of the success value.
    pub(crate) ok_ty: Type,
    pub(crate) err: Option<Type>,
}

impl Returns {
    pub(crate) fn parse(output: &ReturnType, allow_result: bool) -> syn::Result<Returns> {
        let ty: Type = match output {
            ReturnType::Default => syn::parse_quote!(()),
            ReturnType::Type(_, ty) => (**ty).clone(),
        };
        if allow_result {
            if let Some((ok, err)) = result_args(&ty) {
                return Ok(Returns {
                    outputs: Outputs::from_type(&ok)?,
                    ok_ty: ok,
                    err: Some(err),
                });
            }
        }
        Ok(Returns { outputs: Outputs::from_type(&ty)?, ok_ty: ty, err: None })
    }
}

/// `T` and `E` of a `Result<T, E>` (by the last path segment's name).
fn result_args(ty: &Type) -> Option<(Type, Type)> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    let mut types = args.args.iter().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    });
    let ok = types.next()?;
    let err = types.next()?;
    types.next().is_none().then_some((ok, err))
}

/// The Solidity `stateMutability` of a method.
pub(crate) fn mutability(receiver: Receiver, attrs: &MethodAttrs) -> syn::Result<&'static str> {
    if let (Some(span), true) = (attrs.payable, receiver != Receiver::Mut) {
        return Err(syn::Error::new(span, "#[payable] needs `&mut self`"));
    }
    if let (Some(span), Receiver::Mut) = (attrs.view, receiver) {
        return Err(syn::Error::new(span, "#[view] methods take `&self` (or no self)"));
    }
    if let (Some(span), Receiver::Mut) = (attrs.pure, receiver) {
        return Err(syn::Error::new(span, "#[pure] methods cannot take `&mut self`"));
    }
    if let (Some(a), Some(_)) = (attrs.view, attrs.pure) {
        return Err(syn::Error::new(a, "a method is #[view] or #[pure], not both"));
    }
    Ok(match receiver {
        Receiver::Mut if attrs.payable.is_some() => "payable",
        Receiver::Mut => "nonpayable",
        Receiver::Ref if attrs.pure.is_some() => "pure",
        Receiver::Ref => "view",
        Receiver::None if attrs.view.is_some() => "view",
        Receiver::None => "pure",
    })
}

/// The JSON entry of a function.
pub(crate) fn function_json(
    name: &str,
    params: &[Param],
    outputs: &Outputs,
    mutability: &str,
) -> String {
    let inputs: Vec<String> = params.iter().map(Param::json).collect();
    format!(
        r#"{{"type":"function","name":"{name}","inputs":[{}],"outputs":[{}],"stateMutability":"{mutability}"}}"#,
        inputs.join(","),
        outputs.json()
    )
}

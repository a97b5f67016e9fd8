//! Rust types ↔ Solidity ABI types, decided from the Rust spelling.
//!
//! A proc macro sees syntax, not resolved types, so the mapping is by the
//! last path segment (`U256`, `basalt_sdk::U256` and `alloy_primitives::U256`
//! are all `uint256`). The generated code names the matching
//! `alloy_sol_types::sol_data` type, whose Rust type the compiler then checks
//! against the method's real parameter type: a wrong guess (a user type
//! called `U256`, say) is a type error, never a silent mis-encoding.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Expr, GenericArgument, Lit, PathArguments, Type};

/// A Solidity ABI type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SolTy {
    Bool,
    Address,
    Uint(u16),
    Int(u16),
    FixedBytes(u8),
    Bytes,
    String,
    Array(Box<SolTy>),
    FixedArray(Box<SolTy>, usize),
    Tuple(Vec<SolTy>),
}

const SUPPORTED: &str = "supported ABI types: bool, Address, u8..u128, U256, i8..i128, I256, \
     B256, FixedBytes<N>, Bytes, String, Vec<T>, [T; N], tuples";

impl SolTy {
    /// Maps a Rust type to its ABI type.
    pub(crate) fn from_rust(ty: &Type) -> syn::Result<SolTy> {
        match ty {
            Type::Paren(p) => SolTy::from_rust(&p.elem),
            Type::Group(g) => SolTy::from_rust(&g.elem),
            Type::Tuple(t) => {
                if t.elems.is_empty() {
                    return Err(syn::Error::new(ty.span(), "`()` is not an ABI value type"));
                }
                Ok(SolTy::Tuple(t.elems.iter().map(SolTy::from_rust).collect::<syn::Result<_>>()?))
            }
            Type::Array(a) => {
                let len = array_len(&a.len)?;
                Ok(SolTy::FixedArray(Box::new(SolTy::from_rust(&a.elem)?), len))
            }
            Type::Path(p) if p.qself.is_none() => {
                let Some(last) = p.path.segments.last() else {
                    return Err(unsupported(ty));
                };
                let name = last.ident.to_string();
                let simple = matches!(last.arguments, PathArguments::None);
                let sol = match name.as_str() {
                    "bool" if simple => SolTy::Bool,
                    "Address" if simple => SolTy::Address,
                    "u8" if simple => SolTy::Uint(8),
                    "u16" if simple => SolTy::Uint(16),
                    "u32" if simple => SolTy::Uint(32),
                    "u64" if simple => SolTy::Uint(64),
                    "u128" if simple => SolTy::Uint(128),
                    "U256" if simple => SolTy::Uint(256),
                    "i8" if simple => SolTy::Int(8),
                    "i16" if simple => SolTy::Int(16),
                    "i32" if simple => SolTy::Int(32),
                    "i64" if simple => SolTy::Int(64),
                    "i128" if simple => SolTy::Int(128),
                    "I256" if simple => SolTy::Int(256),
                    "B256" if simple => SolTy::FixedBytes(32),
                    "B128" if simple => SolTy::FixedBytes(16),
                    "B64" if simple => SolTy::FixedBytes(8),
                    "Bytes" if simple => SolTy::Bytes,
                    "String" if simple => SolTy::String,
                    "FixedBytes" => {
                        let n = single_generic(last, ty).and_then(|arg| match arg {
                            GenericArgument::Const(e) => array_len(e),
                            GenericArgument::Type(Type::Path(tp)) => {
                                // `FixedBytes<4>` parses the 4 as a const expr,
                                // but be lenient with a path that is a literal.
                                Err(syn::Error::new(tp.span(), "FixedBytes needs a literal length"))
                            }
                            _ => Err(syn::Error::new(
                                arg.span(),
                                "FixedBytes needs a literal length",
                            )),
                        })?;
                        if !(1..=32).contains(&n) {
                            return Err(syn::Error::new(
                                ty.span(),
                                "FixedBytes<N> needs 1 <= N <= 32",
                            ));
                        }
                        SolTy::FixedBytes(n as u8)
                    }
                    "Vec" => {
                        let arg = single_generic(last, ty)?;
                        let GenericArgument::Type(inner) = arg else {
                            return Err(unsupported(ty));
                        };
                        SolTy::Array(Box::new(SolTy::from_rust(inner)?))
                    }
                    _ => return Err(unsupported(ty)),
                };
                Ok(sol)
            }
            _ => Err(unsupported(ty)),
        }
    }

    /// The canonical type name used in signatures: `uint256`, `(address,bool)[]`.
    pub(crate) fn sol_name(&self) -> String {
        match self {
            SolTy::Bool => "bool".into(),
            SolTy::Address => "address".into(),
            SolTy::Uint(n) => format!("uint{n}"),
            SolTy::Int(n) => format!("int{n}"),
            SolTy::FixedBytes(n) => format!("bytes{n}"),
            SolTy::Bytes => "bytes".into(),
            SolTy::String => "string".into(),
            SolTy::Array(inner) => format!("{}[]", inner.sol_name()),
            SolTy::FixedArray(inner, n) => format!("{}[{n}]", inner.sol_name()),
            SolTy::Tuple(items) => {
                let names: Vec<_> = items.iter().map(SolTy::sol_name).collect();
                format!("({})", names.join(","))
            }
        }
    }

    /// The `alloy_sol_types::sol_data` type.
    pub(crate) fn sol_data(&self) -> TokenStream {
        let sd = quote!(::basalt_sdk::__private::sol_data);
        match self {
            SolTy::Bool => quote!(#sd::Bool),
            SolTy::Address => quote!(#sd::Address),
            SolTy::Uint(n) => {
                let n = *n as usize;
                quote!(#sd::Uint<#n>)
            }
            SolTy::Int(n) => {
                let n = *n as usize;
                quote!(#sd::Int<#n>)
            }
            SolTy::FixedBytes(n) => {
                let n = *n as usize;
                quote!(#sd::FixedBytes<#n>)
            }
            SolTy::Bytes => quote!(#sd::Bytes),
            SolTy::String => quote!(#sd::String),
            SolTy::Array(inner) => {
                let inner = inner.sol_data();
                quote!(#sd::Array<#inner>)
            }
            SolTy::FixedArray(inner, n) => {
                let inner = inner.sol_data();
                quote!(#sd::FixedArray<#inner, #n>)
            }
            SolTy::Tuple(items) => {
                let items = items.iter().map(SolTy::sol_data);
                quote!((#(#items,)*))
            }
        }
    }

    /// Whether the type is a value type (one word, encoded in place): what an
    /// indexed event field can be without being hashed.
    pub(crate) fn is_value_type(&self) -> bool {
        matches!(
            self,
            SolTy::Bool | SolTy::Address | SolTy::Uint(_) | SolTy::Int(_) | SolTy::FixedBytes(_)
        )
    }

    /// An expression, from a *reference* `e` to a Rust value of this type,
    /// that alloy can encode as this type.
    pub(crate) fn encodable_from_ref(&self, e: &TokenStream) -> TokenStream {
        match self {
            SolTy::Bool
            | SolTy::Address
            | SolTy::Uint(_)
            | SolTy::Int(_)
            | SolTy::FixedBytes(_) => {
                quote!(*#e)
            }
            SolTy::Bytes | SolTy::String | SolTy::FixedArray(..) => quote!(#e),
            SolTy::Array(_) => quote!(#e.as_slice()),
            SolTy::Tuple(_) => quote!(::core::clone::Clone::clone(#e)),
        }
    }

    /// The JSON ABI parameter object.
    pub(crate) fn json_param(&self, name: &str, indexed: Option<bool>) -> String {
        let (ty, components) = self.json_type();
        let mut out = format!(r#"{{"name":"{name}","type":"{ty}""#);
        if let Some(components) = components {
            out.push_str(&format!(r#","components":[{components}]"#));
        } else {
            out.push_str(&format!(r#","internalType":"{ty}""#));
        }
        if let Some(indexed) = indexed {
            out.push_str(&format!(r#","indexed":{indexed}"#));
        }
        out.push('}');
        out
    }

    /// The JSON `type` (`tuple`, `tuple[]`… for tuples) and, for tuples, the
    /// `components`.
    fn json_type(&self) -> (String, Option<String>) {
        match self {
            SolTy::Tuple(items) => {
                let comps: Vec<_> = items.iter().map(|t| t.json_param("", None)).collect();
                ("tuple".into(), Some(comps.join(",")))
            }
            SolTy::Array(inner) => {
                let (ty, comps) = inner.json_type();
                (format!("{ty}[]"), comps)
            }
            SolTy::FixedArray(inner, n) => {
                let (ty, comps) = inner.json_type();
                (format!("{ty}[{n}]"), comps)
            }
            _ => (self.sol_name(), None),
        }
    }
}

/// Code that ABI-encodes `values` (a parameter list: head/tail encoding)
/// into a `Vec<u8>`. `values` are expressions of the Rust values, owned or,
/// with `by_ref`, references. All value types take the one-word path
/// (`basalt_sdk::abi`); anything dynamic goes through alloy-sol-types.
pub(crate) fn encode_expr(tys: &[SolTy], values: &[TokenStream], by_ref: bool) -> TokenStream {
    let p = quote!(::basalt_sdk::__private);
    if tys.iter().all(SolTy::is_value_type) {
        let amp = (!by_ref).then(|| quote!(&));
        let words = values.iter().map(|v| quote!(::basalt_sdk::abi::AbiWord::to_abi_word(#amp #v)));
        return quote!(::basalt_sdk::abi::words(&[#(#words),*]));
    }
    let sds = tys.iter().map(SolTy::sol_data);
    let values: Vec<TokenStream> = if by_ref {
        tys.iter().zip(values).map(|(t, v)| t.encodable_from_ref(v)).collect()
    } else {
        values.to_vec()
    };
    quote!(<(#(#sds,)*) as #p::SolType>::abi_encode_params(&(#(#values,)*)))
}

/// Code that decodes a parameter list of `tys` (Rust types `rust`) from the
/// byte slice expression `data`, evaluating to `Option<(T0, T1, …)>`, with
/// Solidity's validation.
pub(crate) fn decode_expr(tys: &[SolTy], rust: &[&Type], data: &TokenStream) -> TokenStream {
    let p = quote!(::basalt_sdk::__private);
    if tys.is_empty() {
        return quote!(::core::option::Option::Some(()));
    }
    if tys.iter().all(SolTy::is_value_type) {
        let reads = rust.iter().enumerate().map(|(i, ty)| {
            quote!(::basalt_sdk::abi::word_at(__data, #i)
                .and_then(|w| <#ty as ::basalt_sdk::abi::AbiWord>::from_abi_word(&w)))
        });
        let names: Vec<_> = (0..rust.len()).map(|i| quote::format_ident!("__v{i}")).collect();
        return quote!({
            let __data: &[u8] = #data;
            match (#(#reads,)*) {
                (#(::core::option::Option::Some(#names),)*) => ::core::option::Option::Some((#(#names,)*)),
                _ => ::core::option::Option::None,
            }
        });
    }
    let sds = tys.iter().map(SolTy::sol_data);
    quote!(<(#(#sds,)*) as #p::SolType>::abi_decode_params_validate(#data).ok())
}

fn unsupported(ty: &Type) -> syn::Error {
    syn::Error::new(ty.span(), format!("unsupported ABI type; {SUPPORTED}"))
}

fn single_generic<'a>(seg: &'a syn::PathSegment, ty: &Type) -> syn::Result<&'a GenericArgument> {
    match &seg.arguments {
        PathArguments::AngleBracketed(args) if args.args.len() == 1 => Ok(&args.args[0]),
        _ => Err(unsupported(ty)),
    }
}

fn array_len(e: &Expr) -> syn::Result<usize> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => i.base10_parse::<usize>(),
            _ => Err(syn::Error::new(e.span(), "expected an integer literal length")),
        },
        Expr::Group(g) => array_len(&g.expr),
        Expr::Paren(p) => array_len(&p.expr),
        _ => Err(syn::Error::new(e.span(), "array lengths in ABI types must be integer literals")),
    }
}

/// keccak256.
pub(crate) fn keccak256(data: &[u8]) -> [u8; 32] {
    use tiny_keccak::{Hasher, Keccak};
    let mut k = Keccak::v256();
    k.update(data);
    let mut out = [0u8; 32];
    k.finalize(&mut out);
    out
}

/// The 4-byte selector of a signature.
pub(crate) fn selector(signature: &str) -> [u8; 4] {
    let h = keccak256(signature.as_bytes());
    [h[0], h[1], h[2], h[3]]
}

/// `name(type1,type2)`.
pub(crate) fn signature(name: &str, params: &[SolTy]) -> String {
    let types: Vec<_> = params.iter().map(SolTy::sol_name).collect();
    format!("{name}({})", types.join(","))
}

/// A Solidity identifier: `[A-Za-z_$][A-Za-z0-9_$]*`.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The Solidity name of a Rust identifier: lowerCamelCase (`balance_of` →
/// `balanceOf`), without a raw-identifier prefix.
pub(crate) fn camel(ident: &syn::Ident) -> String {
    use heck::ToLowerCamelCase;
    let s = ident.to_string();
    let s = s.strip_prefix("r#").unwrap_or(&s);
    s.to_lower_camel_case()
}

/// `UPPER_SNAKE` of a Rust identifier, for generated constants.
pub(crate) fn upper_snake(ident: &syn::Ident) -> String {
    use heck::ToShoutySnakeCase;
    let s = ident.to_string();
    let s = s.strip_prefix("r#").unwrap_or(&s);
    s.to_shouty_snake_case()
}

/// A `[u8; N]` literal.
pub(crate) fn byte_array(bytes: &[u8]) -> TokenStream {
    quote!([#(#bytes),*])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sol(ty: &str) -> SolTy {
        SolTy::from_rust(&syn::parse_str::<Type>(ty).unwrap()).unwrap()
    }

    #[test]
    fn maps_rust_spellings() {
        assert_eq!(sol("U256").sol_name(), "uint256");
        assert_eq!(sol("basalt_sdk::Address").sol_name(), "address");
        assert_eq!(sol("u8").sol_name(), "uint8");
        assert_eq!(sol("i128").sol_name(), "int128");
        assert_eq!(sol("I256").sol_name(), "int256");
        assert_eq!(sol("B256").sol_name(), "bytes32");
        assert_eq!(sol("FixedBytes<4>").sol_name(), "bytes4");
        assert_eq!(sol("Bytes").sol_name(), "bytes");
        assert_eq!(sol("String").sol_name(), "string");
        assert_eq!(sol("Vec<u8>").sol_name(), "uint8[]");
        assert_eq!(sol("[Address; 3]").sol_name(), "address[3]");
        assert_eq!(sol("Vec<[U256; 2]>").sol_name(), "uint256[2][]");
        assert_eq!(sol("(Address, (bool, String))").sol_name(), "(address,(bool,string))");
        for bad in ["usize", "Foo", "Option<U256>", "FixedBytes<33>", "&str", "()"] {
            let ty = syn::parse_str::<Type>(bad).unwrap();
            assert!(SolTy::from_rust(&ty).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn selectors_and_names() {
        assert_eq!(selector("transfer(address,uint256)"), [0xa9, 0x05, 0x9c, 0xbb]);
        assert_eq!(selector("balanceOf(address)"), [0x70, 0xa0, 0x82, 0x31]);
        let id: syn::Ident = syn::parse_str("balance_of").unwrap();
        assert_eq!(camel(&id), "balanceOf");
        assert_eq!(upper_snake(&id), "BALANCE_OF");
        let id: syn::Ident = syn::parse_str("r#type").unwrap();
        assert_eq!(camel(&id), "type");
        assert!(is_identifier("balanceOf") && is_identifier("_x$") && !is_identifier("1a"));
        assert!(!is_identifier("a b") && !is_identifier(""));
    }

    #[test]
    fn json_params() {
        assert_eq!(
            sol("Address").json_param("to", Some(true)),
            r#"{"name":"to","type":"address","internalType":"address","indexed":true}"#
        );
        assert_eq!(
            sol("Vec<(Address, U256)>").json_param("xs", None),
            concat!(
                r#"{"name":"xs","type":"tuple[]","components":["#,
                r#"{"name":"","type":"address","internalType":"address"},"#,
                r#"{"name":"","type":"uint256","internalType":"uint256"}]}"#
            )
        );
    }
}

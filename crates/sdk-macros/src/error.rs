//! `#[error]`: Solidity custom errors from a struct (one error) or an enum
//! (one error per variant).

use crate::types::{byte_array, camel, decode_expr, encode_expr, selector, signature, SolTy};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Fields, Item};

/// An error's fields: name (none for a tuple field) and ABI type.
type ErrorFields = Vec<(Option<syn::Ident>, syn::Type, SolTy)>;

/// One custom error: a struct, or one variant of an enum.
struct Case {
    /// The error's name (struct or variant name).
    name: syn::Ident,
    /// The pattern/constructor path: `Self` or `Self::Variant`.
    path: TokenStream,
    fields: ErrorFields,
    style: Style,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Named,
    Unnamed,
    Unit,
}

fn fields_of(fields: &Fields) -> syn::Result<(ErrorFields, Style)> {
    let style = match fields {
        Fields::Named(_) => Style::Named,
        Fields::Unnamed(_) => Style::Unnamed,
        Fields::Unit => Style::Unit,
    };
    let fields = fields
        .iter()
        .map(|f| Ok((f.ident.clone(), f.ty.clone(), SolTy::from_rust(&f.ty)?)))
        .collect::<syn::Result<_>>()?;
    Ok((fields, style))
}

impl Case {
    fn sol_types(&self) -> Vec<SolTy> {
        self.fields.iter().map(|(_, _, t)| t.clone()).collect()
    }

    fn signature(&self) -> String {
        signature(&self.name.to_string(), &self.sol_types())
    }

    fn selector(&self) -> [u8; 4] {
        selector(&self.signature())
    }

    fn abi_entry(&self) -> String {
        let inputs: Vec<String> = self
            .fields
            .iter()
            .map(|(ident, _, ty)| {
                ty.json_param(&ident.as_ref().map(camel).unwrap_or_default(), None)
            })
            .collect();
        format!(r#"{{"type":"error","name":"{}","inputs":[{}]}}"#, self.name, inputs.join(","))
    }

    /// Binding names for the fields, in order.
    fn bindings(&self) -> Vec<syn::Ident> {
        self.fields
            .iter()
            .enumerate()
            .map(|(i, (ident, _, _))| ident.clone().unwrap_or_else(|| format_ident!("__f{i}")))
            .collect()
    }

    /// `Self::V { a, b }`, `Self::V(__f0, __f1)` or `Self::V`.
    fn pattern(&self) -> TokenStream {
        let path = &self.path;
        let b = self.bindings();
        match self.style {
            Style::Named => quote!(#path { #(#b),* }),
            Style::Unnamed => quote!(#path ( #(#b),* )),
            Style::Unit => quote!(#path),
        }
    }
}

pub(crate) fn expand(item: Item) -> syn::Result<TokenStream> {
    let (name, cases) = match &item {
        Item::Struct(s) => {
            if !s.generics.params.is_empty() {
                return Err(syn::Error::new(s.generics.span(), "errors cannot be generic"));
            }
            let (fields, style) = fields_of(&s.fields)?;
            (
                s.ident.clone(),
                vec![Case { name: s.ident.clone(), path: quote!(Self), fields, style }],
            )
        }
        Item::Enum(e) => {
            if !e.generics.params.is_empty() {
                return Err(syn::Error::new(e.generics.span(), "errors cannot be generic"));
            }
            if e.variants.is_empty() {
                return Err(syn::Error::new(e.span(), "an error enum needs at least one variant"));
            }
            let cases = e
                .variants
                .iter()
                .map(|v| {
                    let (fields, style) = fields_of(&v.fields)?;
                    let ident = &v.ident;
                    Ok(Case { name: v.ident.clone(), path: quote!(Self::#ident), fields, style })
                })
                .collect::<syn::Result<Vec<_>>>()?;
            (e.ident.clone(), cases)
        }
        _ => return Err(syn::Error::new(item.span(), "#[error] goes on a struct or an enum")),
    };

    for (i, c) in cases.iter().enumerate() {
        if let Some(prev) = cases[..i].iter().find(|p| p.selector() == c.selector()) {
            return Err(syn::Error::new(
                c.name.span(),
                format!("error selector collides with `{}`", prev.signature()),
            ));
        }
    }

    let p = quote!(::basalt_sdk::__private);
    let abi_entries = cases.iter().map(Case::abi_entry).collect::<Vec<_>>().join(",");

    let encode_arms = cases.iter().map(|c| {
        let pat = c.pattern();
        let sel = byte_array(&c.selector());
        if c.fields.is_empty() {
            return quote!(#pat => #p::Vec::from(#sel));
        }
        let values: Vec<TokenStream> = c.bindings().iter().map(|b| quote!(#b)).collect();
        let enc = encode_expr(&c.sol_types(), &values, true);
        quote!(#pat => #p::with_selector(#sel, #enc))
    });

    let decode_arms = cases.iter().map(|c| {
        let sel = byte_array(&c.selector());
        let pat = c.pattern();
        if c.fields.is_empty() {
            return quote!(#sel => ::core::option::Option::Some(#pat));
        }
        let b = c.bindings();
        let tys: Vec<&syn::Type> = c.fields.iter().map(|(_, ty, _)| ty).collect();
        let dec = decode_expr(&c.sol_types(), &tys, &quote!(rest));
        quote!(#sel => {
            let (#(#b,)*) = #dec?;
            ::core::option::Option::Some(#pat)
        })
    });

    let selector_arms = cases.iter().map(|c| {
        let pat = c.pattern();
        let sel = byte_array(&c.selector());
        quote!(#[allow(unused_variables)] #pat => #sel)
    });
    let signature_arms = cases.iter().map(|c| {
        let pat = c.pattern();
        let sig = c.signature();
        quote!(#[allow(unused_variables)] #pat => #sig)
    });

    let struct_consts = matches!(item, Item::Struct(_)).then(|| {
        let c = &cases[0];
        let sel = byte_array(&c.selector());
        let sig = c.signature();
        quote! {
            /// The error's Solidity signature.
            pub const SIGNATURE: &'static str = #sig;
            /// The error's selector: the first 4 bytes of keccak256 of its signature.
            pub const SELECTOR: [u8; 4] = #sel;
        }
    });

    Ok(quote! {
        #item

        impl ::basalt_sdk::ContractError for #name {
            const ABI_ENTRIES: &'static str = #abi_entries;

            fn abi_encode(&self) -> #p::Vec<u8> {
                match self {
                    #(#encode_arms,)*
                }
            }
        }

        impl #name {
            #struct_consts

            /// The selector of this error.
            pub fn selector(&self) -> [u8; 4] {
                match self {
                    #(#selector_arms,)*
                }
            }

            /// The Solidity signature of this error.
            pub fn signature(&self) -> &'static str {
                match self {
                    #(#signature_arms,)*
                }
            }

            /// Decodes revert data into this error; `None` if it is not one of
            /// its custom errors.
            pub fn abi_decode(data: &[u8]) -> ::core::option::Option<Self> {
                let (selector, rest) = data.split_first_chunk::<4>()?;
                let _ = rest;
                match *selector {
                    #(#decode_arms,)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    })
}

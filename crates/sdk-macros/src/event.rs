//! `#[event]`: a struct whose fields are an event's parameters.

use crate::types::{byte_array, camel, decode_expr, encode_expr, keccak256, signature, SolTy};
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Fields, ItemStruct};

/// Arguments: `#[event]` or `#[event(anonymous)]`.
#[derive(Default)]
pub(crate) struct EventArgs {
    anonymous: bool,
}

impl EventArgs {
    pub(crate) fn parse(args: TokenStream) -> syn::Result<Self> {
        let mut out = EventArgs::default();
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("anonymous") {
                out.anonymous = true;
                Ok(())
            } else {
                Err(meta.error("expected `anonymous`"))
            }
        });
        syn::parse::Parser::parse2(parser, args)?;
        Ok(out)
    }
}

struct Field {
    ident: syn::Ident,
    ty: syn::Type,
    sol: SolTy,
    indexed: bool,
}

pub(crate) fn expand(args: EventArgs, mut item: ItemStruct) -> syn::Result<TokenStream> {
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new(item.generics.span(), "events cannot be generic"));
    }
    let mut fields = Vec::new();
    match &mut item.fields {
        Fields::Named(named) => {
            for f in named.named.iter_mut() {
                let before = f.attrs.len();
                f.attrs.retain(|a| !a.path().is_ident("indexed"));
                let indexed = f.attrs.len() != before;
                let sol = SolTy::from_rust(&f.ty)?;
                if indexed && !sol.is_value_type() && !matches!(sol, SolTy::String | SolTy::Bytes) {
                    return Err(syn::Error::new(
                        f.ty.span(),
                        "indexed event fields must be value types, string or bytes",
                    ));
                }
                let ident =
                    f.ident.clone().ok_or_else(|| syn::Error::new(f.span(), "named field"))?;
                fields.push(Field { ident, ty: f.ty.clone(), sol, indexed });
            }
        }
        Fields::Unit => {}
        Fields::Unnamed(_) => {
            return Err(syn::Error::new(item.fields.span(), "event fields must be named"));
        }
    }
    let indexed_count = fields.iter().filter(|f| f.indexed).count();
    let max_indexed = if args.anonymous { 4 } else { 3 };
    if indexed_count > max_indexed {
        return Err(syn::Error::new(
            item.ident.span(),
            format!("at most {max_indexed} indexed fields (a log has at most 4 topics)"),
        ));
    }

    let name = &item.ident;
    let sol_types: Vec<SolTy> = fields.iter().map(|f| f.sol.clone()).collect();
    let sig = signature(&name.to_string(), &sol_types);
    let topic0 = byte_array(&keccak256(sig.as_bytes()));
    let inputs: Vec<String> =
        fields.iter().map(|f| f.sol.json_param(&camel(&f.ident), Some(f.indexed))).collect();
    let abi_entry = format!(
        r#"{{"type":"event","name":"{name}","inputs":[{}],"anonymous":{}}}"#,
        inputs.join(","),
        args.anonymous
    );
    let anonymous = args.anonymous;
    let p = quote!(::basalt_sdk::__private);

    // Topics.
    let topic_count = indexed_count + usize::from(!anonymous);
    let push_topic0 =
        (!anonymous).then(|| quote!(topics.push(<Self as ::basalt_sdk::Event>::TOPIC0);));
    let push_indexed = fields.iter().filter(|f| f.indexed).map(|f| {
        let ident = &f.ident;
        if f.sol.is_value_type() {
            quote!(topics.push(::basalt_sdk::abi::AbiWord::to_abi_word(&self.#ident));)
        } else {
            quote!(topics.push(#p::hash_topic(::core::convert::AsRef::<[u8]>::as_ref(&self.#ident)));)
        }
    });

    // Data.
    let data_fields: Vec<&Field> = fields.iter().filter(|f| !f.indexed).collect();
    let data_body = if data_fields.is_empty() {
        quote!(#p::Vec::new())
    } else {
        let sols: Vec<SolTy> = data_fields.iter().map(|f| f.sol.clone()).collect();
        let values: Vec<TokenStream> = data_fields
            .iter()
            .map(|f| {
                let ident = &f.ident;
                quote!((&self.#ident))
            })
            .collect();
        encode_expr(&sols, &values, true)
    };

    // Decoding, when every indexed field can be recovered from its topic.
    let decodable = fields.iter().all(|f| !f.indexed || f.sol.is_value_type());
    let decode = decodable.then(|| {
        let skip = usize::from(!anonymous);
        let check_topic0 = (!anonymous).then(|| {
            quote!(if topics[0] != <Self as ::basalt_sdk::Event>::TOPIC0 { return ::core::option::Option::None; })
        });
        let mut topic_index = skip;
        let topic_decodes: Vec<TokenStream> = fields
            .iter()
            .filter(|f| f.indexed)
            .map(|f| {
                let ident = &f.ident;
                let ty = &f.ty;
                let i = topic_index;
                topic_index += 1;
                quote!(let #ident = <#ty as ::basalt_sdk::abi::AbiWord>::from_abi_word(&topics[#i])?;)
            })
            .collect();
        let data_idents: Vec<_> = data_fields.iter().map(|f| &f.ident).collect();
        let data_decode = if data_fields.is_empty() {
            quote!()
        } else {
            let sols: Vec<SolTy> = data_fields.iter().map(|f| f.sol.clone()).collect();
            let tys: Vec<&syn::Type> = data_fields.iter().map(|f| &f.ty).collect();
            let dec = decode_expr(&sols, &tys, &quote!(data));
            quote!(let (#(#data_idents,)*) = #dec?;)
        };
        let all: Vec<_> = fields.iter().map(|f| &f.ident).collect();
        let construct = if matches!(item.fields, Fields::Unit) { quote!(Self) } else { quote!(Self { #(#all),* }) };
        quote! {
            /// Decodes a log of this event (topics and data); `None` if it
            /// is not one.
            #[allow(unused_variables)]
            pub fn decode_log(topics: &[#p::B256], data: &[u8]) -> ::core::option::Option<Self> {
                if topics.len() != #topic_count {
                    return ::core::option::Option::None;
                }
                #check_topic0
                #(#topic_decodes)*
                #data_decode
                ::core::option::Option::Some(#construct)
            }
        }
    });

    Ok(quote! {
        #item

        impl ::basalt_sdk::Event for #name {
            const SIGNATURE: &'static str = #sig;
            const TOPIC0: #p::B256 = #p::B256::new(#topic0);
            const ANONYMOUS: bool = #anonymous;
            const ABI_ENTRY: &'static str = #abi_entry;

            fn topics(&self) -> #p::Vec<#p::B256> {
                let mut topics = #p::Vec::with_capacity(#topic_count);
                #push_topic0
                #(#push_indexed)*
                topics
            }

            fn data(&self) -> #p::Vec<u8> {
                #data_body
            }
        }

        impl #name {
            #decode
        }
    })
}

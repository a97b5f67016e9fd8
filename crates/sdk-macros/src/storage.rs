//! `#[storage]` and `#[contract]`: a struct of storage handles, laid out in
//! consecutive slots.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Fields, ItemStruct};

pub(crate) fn expand(item: ItemStruct) -> syn::Result<TokenStream> {
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new(item.generics.span(), "storage structs cannot be generic"));
    }
    let name = &item.ident;
    let fields: Vec<_> = match &item.fields {
        Fields::Named(named) => named.named.iter().collect(),
        Fields::Unit => Vec::new(),
        Fields::Unnamed(_) => {
            return Err(syn::Error::new(
                item.fields.span(),
                "storage structs need named fields (or none): each field is a slot",
            ))
        }
    };
    let handle = quote!(::basalt_sdk::storage::StorageHandle);
    let b256 = quote!(::basalt_sdk::__private::B256);
    let tys: Vec<_> = fields.iter().map(|f| &f.ty).collect();
    let idents: Vec<_> = fields.iter().filter_map(|f| f.ident.as_ref()).collect();
    let construct = if matches!(item.fields, Fields::Unit) {
        quote!(Self)
    } else {
        quote!(Self { #(#idents),* })
    };
    Ok(quote! {
        #item

        impl #handle for #name {
            const SLOTS: u64 = 0 #(+ <#tys as #handle>::SLOTS)*;

            #[allow(unused_assignments, unused_variables, unused_mut)]
            fn at(slot: #b256) -> Self {
                let mut __slot = slot;
                #(
                    let #idents = <#tys as #handle>::at(__slot);
                    __slot = ::basalt_sdk::storage::slot_add(__slot, <#tys as #handle>::SLOTS);
                )*
                #construct
            }
        }

        impl ::basalt_sdk::storage::StorageItem for #name {
            type Handle = Self;
        }
    })
}

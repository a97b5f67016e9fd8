//! `#[interface]`: a trait of another contract's functions becomes a typed
//! client struct (of the same name) holding its address.

use crate::method::{function_json, inputs, mutability, MethodAttrs, Outputs, Receiver, Returns};
use crate::types::{byte_array, camel, encode_expr, selector, signature, upper_snake, SolTy};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{ItemTrait, TraitItem};

pub(crate) fn expand(mut item: ItemTrait) -> syn::Result<TokenStream> {
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new(item.generics.span(), "interfaces cannot be generic"));
    }
    let name = &item.ident;
    let vis = &item.vis;
    let attrs: Vec<_> = item.attrs.iter().filter(|a| !a.path().is_ident("interface")).collect();
    let p = quote!(::basalt_sdk::__private);

    let mut consts = Vec::new();
    let mut fns = Vec::new();
    let mut json = Vec::new();
    let mut seen: Vec<([u8; 4], String)> = Vec::new();
    for trait_item in &mut item.items {
        let TraitItem::Fn(f) = trait_item else {
            return Err(syn::Error::new(trait_item.span(), "interfaces hold functions only"));
        };
        if f.default.is_some() {
            return Err(syn::Error::new(f.span(), "interface functions have no body"));
        }
        let method_attrs = MethodAttrs::take(&mut f.attrs)?;
        if method_attrs.constructor.is_some()
            || method_attrs.receive.is_some()
            || method_attrs.fallback.is_some()
        {
            return Err(syn::Error::new(f.span(), "interfaces list ABI functions only"));
        }
        let (receiver, params) = inputs(&f.sig)?;
        if receiver == Receiver::None {
            return Err(syn::Error::new(
                f.sig.span(),
                "take `&self` (static call) or `&mut self` (call)",
            ));
        }
        let returns = Returns::parse(&f.sig.output, false)?;
        let state = mutability(receiver, &method_attrs)?;
        let sol_name = method_attrs.name.clone().unwrap_or_else(|| camel(&f.sig.ident));
        let types: Vec<SolTy> = params.iter().map(|p| p.sol.clone()).collect();
        let sig = signature(&sol_name, &types);
        let sel = selector(&sig);
        if let Some((_, prev)) = seen.iter().find(|(s, _)| *s == sel) {
            return Err(syn::Error::new(
                f.sig.span(),
                format!("selector of `{sig}` collides with `{prev}`"),
            ));
        }
        seen.push((sel, sig.clone()));
        json.push(function_json(&sol_name, &params, &returns.outputs, state));

        let ident = &f.sig.ident;
        let docs: Vec<_> = f.attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
        let const_name = format_ident!("{}_SELECTOR", upper_snake(ident));
        let sel_bytes = byte_array(&sel);
        let sel_doc = format!("Selector of `{sig}`.");
        consts.push(quote!(#[doc = #sel_doc] pub const #const_name: [u8; 4] = #sel_bytes;));

        let idents: Vec<_> = params.iter().map(|p| &p.ident).collect();
        let tys: Vec<_> = params.iter().map(|p| &p.ty).collect();
        let calldata_fn = format_ident!("{}_calldata", ident.to_string().trim_start_matches("r#"));
        let encode = if params.is_empty() {
            quote!(#p::Vec::from(Self::#const_name))
        } else {
            let values: Vec<TokenStream> = idents.iter().map(|i| quote!(#i)).collect();
            let enc = encode_expr(&types, &values, false);
            quote!(#p::with_selector(Self::#const_name, #enc))
        };
        let ok_ty = &returns.ok_ty;
        let decode = returns.outputs.decode(&quote!(&__ret));
        let code_check = matches!(returns.outputs, Outputs::Unit)
            .then(|| quote!(#p::require_code(self.address)?;));
        let do_call = match receiver {
            Receiver::Mut => {
                quote!(::basalt_sdk::call::call(self.address, &__calldata, self.value, self.gas))
            }
            _ => quote!(::basalt_sdk::call::static_call(self.address, &__calldata, self.gas)),
        };
        let call_doc = format!(
            "Calls `{sig}` ({}).",
            if receiver == Receiver::Mut { "CALL, with the client's value" } else { "STATICCALL" }
        );
        let calldata_doc = format!("The calldata of `{sig}`.");
        fns.push(quote! {
            #(#docs)*
            #[doc = #call_doc]
            pub fn #ident(&self #(, #idents: #tys)*) -> #p::Result<#ok_ty, ::basalt_sdk::call::CallError> {
                let __calldata = Self::#calldata_fn(#(#idents),*);
                #code_check
                let __ret = #do_call?;
                match #decode {
                    ::core::option::Option::Some(value) => #p::Result::Ok(value),
                    ::core::option::Option::None => #p::Result::Err(::basalt_sdk::call::CallError::Decode),
                }
            }

            #[doc = #calldata_doc]
            pub fn #calldata_fn(#(#idents: #tys),*) -> #p::Vec<u8> {
                #encode
            }
        });
    }
    let abi_json = format!("[{}]", json.join(","));

    Ok(quote! {
        #(#attrs)*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #vis struct #name {
            address: #p::Address,
            value: #p::U256,
            gas: u64,
        }

        impl #name {
            #(#consts)*

            /// The interface's JSON ABI (an array of function entries).
            pub const ABI_JSON: &'static str = #abi_json;

            /// A client of the contract at `address`: no value, all gas.
            pub const fn new(address: #p::Address) -> Self {
                Self { address, value: #p::U256::ZERO, gas: ::basalt_sdk::call::ALL_GAS }
            }

            /// The contract's address.
            pub const fn address(&self) -> #p::Address {
                self.address
            }

            /// Sends `value` wei with the calls of `&mut self` functions.
            pub const fn with_value(mut self, value: #p::U256) -> Self {
                self.value = value;
                self
            }

            /// Forwards at most `gas` with each call.
            pub const fn with_gas(mut self, gas: u64) -> Self {
                self.gas = gas;
                self
            }

            #(#fns)*
        }

        impl ::core::convert::From<#p::Address> for #name {
            fn from(address: #p::Address) -> Self {
                Self::new(address)
            }
        }
    })
}

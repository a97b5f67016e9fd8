//! Property tests of the deploy envelope: parsing never panics, and whatever
//! is encoded parses back to the same module and arguments.

use basalt_vm_abi::deploy::{DEPLOY_MAGIC, DEPLOY_PREFIX_LEN, WASM_MAGIC};
use basalt_vm_abi::{encode_deploy_prefix, parse_deploy, Deploy, EnvelopeError};
use proptest::prelude::*;

fn module() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..256).prop_map(|body| {
        let mut m = WASM_MAGIC.to_vec();
        m.extend(body);
        m
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn never_panics_on_random_bytes(data in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = parse_deploy(&data);
    }

    /// Random bytes behind a valid magic reach the length and code checks.
    #[test]
    fn never_panics_behind_magic(
        tail in proptest::collection::vec(any::<u8>(), 0..64),
        cut in 0usize..4,
    ) {
        let mut data = DEPLOY_MAGIC[..cut].to_vec();
        data.extend(&tail);
        if let Ok(d) = parse_deploy(&data) {
            // Whatever parses is a module plus a suffix of the input.
            prop_assert!(d.code.starts_with(&WASM_MAGIC));
            prop_assert!(data.ends_with(d.args));
        }
    }

    #[test]
    fn envelope_round_trips(code in module(), args in proptest::collection::vec(any::<u8>(), 0..256)) {
        let mut data = encode_deploy_prefix(code.len() as u32).to_vec();
        data.extend(&code);
        data.extend(&args);
        prop_assert_eq!(parse_deploy(&data), Ok(Deploy { code: &code, args: &args }));
    }

    #[test]
    fn bare_module_round_trips(code in module()) {
        prop_assert_eq!(parse_deploy(&code), Ok(Deploy { code: &code, args: &[] }));
    }

    /// Cutting an envelope anywhere inside its header or code is an error,
    /// never a panic or a shorter module.
    #[test]
    fn truncation_is_an_error(code in module(), cut in 0usize..1_000) {
        let mut data = encode_deploy_prefix(code.len() as u32).to_vec();
        data.extend(&code);
        let cut = cut % data.len();
        let err = parse_deploy(&data[..cut]).unwrap_err();
        let expected_kind = if cut == 0 {
            matches!(err, EnvelopeError::Empty)
        } else if cut < DEPLOY_PREFIX_LEN {
            matches!(err, EnvelopeError::TruncatedHeader { .. })
        } else {
            matches!(err, EnvelopeError::CodeTruncated { .. })
        };
        prop_assert!(expected_kind, "cut {} gave {:?}", cut, err);
    }
}
